"""The web app's background jobs (the outbox worker, the retention job) live exactly as long as the app."""
from fastapi.testclient import TestClient

from bot.settings import get_settings


def test_background_jobs_start_with_the_app_and_stop_with_it(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'lifespan.db'}")
    monkeypatch.setenv("OUTBOX_WORKER_ENABLED", "true")
    monkeypatch.setenv("RETENTION_JOB_HOURS", "24")
    get_settings.cache_clear()
    try:
        from bot import database
        from bot.app import create_app
        from bot.console import retention
        from bot.outbox import worker

        database.upgrade(get_settings().database_url)
        with TestClient(create_app()) as client:
            assert client.get("/health").status_code in (200, 503)
            jobs = [worker._worker_task, retention._retention_task]  # noqa: SLF001 - the jobs' own handles
            assert all(job is not None and not job.done() for job in jobs)
        assert all(job.cancelled() or job.done() for job in jobs)
    finally:
        get_settings.cache_clear()
