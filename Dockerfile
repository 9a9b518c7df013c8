# syntax=docker/dockerfile:1
# One image, every process of the SEND mediation line; the command chooses which:
#   web app (default)  python -m bot.web_server --host 0.0.0.0 --port 8000 (uvicorn; proxies: TRUSTED_PROXIES)
#   Rasa server        python -m bot.conversations.rasa_server --model models/current.tar.gz
#                        --endpoints endpoints.yml --credentials credentials.yml --interface 0.0.0.0 --port 5005
#                      (its API token comes from RASA_TOKEN in the environment, never argv)
#   action server      python -m actions.server            (with ACTION_SERVER_HOST=0.0.0.0)
#   migrations         python -m bot.database upgrade      (a job, before each release)
#   retention          python -m bot.console.retention     (a job, daily)
#   outbox             python -m bot.outbox                (sends due texts and emails once)
# docker-compose.yml and deploy/kubernetes/ run it; tests/unit/test_deployment.py checks them.
#
#   docker build -t send-line:$(git rev-parse --short HEAD) .

FROM python:3.10-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TF_CPP_MIN_LOG_LEVEL=3 \
    TQDM_DISABLE=1 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    PYTHONWARNINGS=ignore::DeprecationWarning \
    SANIC_ACCESS_LOG=False \
    RASA_TELEMETRY_ENABLED=false \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1

WORKDIR /app

# The pinned dependencies first (the layer changes only with requirements.lock), with the
# same pip, setuptools and wheel as `make setup`; `pip check` fails the build on a broken set.
COPY requirements.lock ./
RUN python -m pip install --quiet "pip==24.0" "setuptools==70.3.0" "wheel==0.45.1" \
 && python -m pip install --quiet -r requirements.lock \
 && python -m pip check

COPY . .

# What `make setup` builds (see the Makefile): the project's spaCy pipeline from
# data/patterns, and the sentence encoder's files, each checked against its sha256.
RUN python -m bot.nlp.build_pipeline --output build/spacy/en_send \
 && python -m bot.nlp.encoder_files --output build/sentence-encoder/all-MiniLM-L6-v2 \
 && rm -rf build/cache

# The Rasa model, trained as `make` trains it (fixed seeds: the same data gives the same model).
FROM base AS model
RUN rasa train --quiet --config config.yml --domain domain.yml --data data \
        --out models --fixed-model-name current

FROM base AS runtime
COPY --from=model /app/models/current.tar.gz /app/models/current.tar.gz
# A user of its own, no shell, no write access to the code: only var/ (SQLite, when no
# DATABASE_URL is set) and its home (caches) are writable.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home --shell /usr/sbin/nologin app \
 && mkdir -p /app/var && chown app:app /app/var
ENV HOME=/home/app \
    MODEL_PATH=/app/models/current.tar.gz
USER 10001:10001
EXPOSE 8000 5005 5055
# uvicorn with the supervisor's options: X-Forwarded-For believed only from TRUSTED_PROXIES (bot/web_server.py)
CMD ["python", "-m", "bot.web_server", "--host", "0.0.0.0", "--port", "8000"]
