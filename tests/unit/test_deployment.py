"""The production files (issue 22): Dockerfile, docker-compose.yml and deploy/kubernetes/.

No image is built or run here (no Docker engine, no Docker Hub). What can be checked is:
- `docker compose config` reads docker-compose.yml as Docker will (Compose v2, or Debian's
  `docker-compose` 1.29 when the plugin is missing). Without the docker CLI or Compose the
  test is skipped with the reason, and fails under CI=true;
- kubernetes-validate (requirements-dev.lock) checks every manifest against the Kubernetes
  1.28 schemas it ships, strictly (an unknown field fails);
- what no schema sees: the same process runs the same way everywhere, each command names a
  module that exists and runs as a program, secrets come only from the env file or the
  Secret, production refuses an unfilled env file, the image builds what `make setup` builds
  and runs as a non-root user.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / "deploy" / "production.env.example"
MANIFESTS = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.28.0"  # the newest schema kubernetes-validate 1.28.3 ships

SECRET_NAMES = {"RASA_TOKEN", "PHONE_HASH_SALT", "DATABASE_URL", "POSTGRES_PASSWORD",
                "TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "SMTP_PASSWORD"}
APP_SERVICES = {"migrate", "actions", "rasa-1", "rasa-2", "web"}
RASA_COMMAND = ["python", "-m", "bot.conversations.rasa_server", "--model", "models/current.tar.gz",
                "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
                "--interface", "0.0.0.0", "--port", "5005"]


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the compose file must be checked)")
    pytest.skip(reason)


def _compose_command() -> List[str]:
    docker = shutil.which("docker")
    if docker is None:
        _skip_or_fail("docker compose config not run: the docker CLI is not installed")
    plugin = subprocess.run([docker, "compose", "version"], capture_output=True, text=True, timeout=60)
    if plugin.returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    if legacy:
        return [legacy]
    _skip_or_fail("docker compose config not run: docker has no Compose "
                  "(install the docker-compose-plugin, or Debian's docker-compose)")
    raise AssertionError("unreachable")


def _compose() -> Dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _manifests() -> Iterator[Dict]:
    for path in sorted(MANIFESTS.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                yield document


def _by_kind(kind: str) -> Dict[str, Dict]:
    return {doc["metadata"]["name"]: doc for doc in _manifests() if doc["kind"] == kind}


def _pod_spec(workload: Dict) -> Dict:
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]


def _app_workloads() -> Dict[str, Dict]:
    """Every workload that runs this project's image, by name."""
    workloads = {}
    for kind in ("Deployment", "Job", "CronJob"):
        for name, doc in _by_kind(kind).items():
            if _pod_spec(doc)["containers"][0]["image"].startswith("send-line"):
                workloads[name] = doc
    return workloads


def _commands() -> List[List[str]]:
    """Every command the compose file and the manifests run in the project's image."""
    commands = [service["command"] for name, service in _compose()["services"].items()
                if name not in ("postgres", "redis")]
    commands += [_pod_spec(doc)["containers"][0]["command"] for doc in _app_workloads().values()]
    return commands


# --- docker compose -------------------------------------------------------------------------

def test_docker_compose_reads_the_compose_file(tmp_path):
    command = _compose_command()
    # The env file is never committed: the check runs on a copy with the example in its place.
    shutil.copy(COMPOSE_FILE, tmp_path / "docker-compose.yml")
    shutil.copy(DOCKERFILE, tmp_path / "Dockerfile")
    (tmp_path / "deploy").mkdir()
    shutil.copy(ENV_EXAMPLE, tmp_path / "deploy" / "production.env")
    result = subprocess.run([*command, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)["services"]

    assert APP_SERVICES | {"postgres", "redis"} <= set(resolved)
    for name in APP_SERVICES:
        assert resolved[name]["environment"]["ENVIRONMENT"] == "production", name
        assert resolved[name]["environment"]["REDIS_URL"] == "redis://redis:6379/0", name
    assert "/health" in " ".join(resolved["web"]["healthcheck"]["test"])
    assert resolved["rasa-1"]["command"] == resolved["rasa-2"]["command"] == RASA_COMMAND
    assert resolved["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_takes_secrets_only_from_the_uncommitted_env_file():
    services = _compose()["services"]
    for name in APP_SERVICES | {"postgres"}:
        service = services[name]
        assert service["env_file"] == ["deploy/production.env"], name
        written_here = set(service.get("environment") or {})
        assert not written_here & SECRET_NAMES, f"{name} writes a secret in docker-compose.yml"
    ignored = subprocess.run(["git", "check-ignore", "-q", "deploy/production.env"], cwd=ROOT)
    assert ignored.returncode == 0, "deploy/production.env must be ignored by git"
    # Only the web app is published; Rasa, the action server and the stores stay internal.
    assert [name for name, service in services.items() if service.get("ports")] == ["web"]


def test_production_refuses_the_unfilled_env_file(monkeypatch):
    from bot.settings import Settings, UnsafeSecrets

    for name in SECRET_NAMES | {"ENVIRONMENT"}:
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=str(ENV_EXAMPLE), environment="production")
    with pytest.raises(UnsafeSecrets) as refused:
        settings.refuse_unsafe_secrets()
    assert "RASA_TOKEN" in str(refused.value) and "PHONE_HASH_SALT" in str(refused.value)


# --- the image ------------------------------------------------------------------------------

def _makefile_recipe(target_marker: str) -> str:
    """The recipe line of the Makefile that runs ``target_marker``, with $(PY), $(RASA) and the folders resolved."""
    makefile = (ROOT / "Makefile").read_text()
    variables = dict(re.findall(r"^(\w+)\s*:=\s*(.+?)\s*$", makefile, flags=re.M))
    line = next(line.strip() for line in makefile.splitlines()
                if target_marker in line and line.startswith("\t"))
    line = line.replace("$(PY)", "python").replace("$(RASA)", "rasa")
    return re.sub(r"\$\((\w+)\)", lambda match: variables[match.group(1)], line)


def test_image_builds_what_make_setup_builds_and_runs_as_a_user():
    dockerfile = DOCKERFILE.read_text()
    joined = re.sub(r"\\\n\s*", "", dockerfile)  # continuation lines joined
    stages = re.findall(r"^FROM (\S+)", dockerfile, flags=re.M)
    assert stages[0] == "python:3.10-slim" and all(s in ("python:3.10-slim", "base") for s in stages)
    assert "pip install --quiet -r requirements.lock" in joined and "pip check" in joined
    for marker in ("-m bot.nlp.build_pipeline", "-m bot.nlp.encoder_files"):
        assert _makefile_recipe(marker) in joined, f"the image does not run `{_makefile_recipe(marker)}`"
    train = _makefile_recipe("$(RASA) train")
    assert re.sub(r"\s+", " ", train) in re.sub(r"\s+", " ", joined)
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_dockerignore_keeps_secrets_and_local_builds_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".venv", "build", "models", "var", "deploy/*.env"} <= ignored


# --- what every file runs ---------------------------------------------------------------------

def test_every_command_runs_a_module_of_this_project():
    commands = _commands()
    assert commands, "no commands found"
    for command in commands:
        if command[:2] == ["python", "-m"]:
            module = command[2]
        else:
            assert command[0] == "uvicorn", command
            module, attribute = command[1].split(":")
            assert re.search(rf"^{attribute}\s*=", Path(importlib.util.find_spec(module).origin).read_text(),
                             flags=re.M), command
            continue
        spec = importlib.util.find_spec(module)
        assert spec is not None, f"{module} does not exist"
        if spec.submodule_search_locations:  # a package runs its __main__
            assert importlib.util.find_spec(f"{module}.__main__") is not None, module
        else:
            assert 'if __name__ == "__main__":' in Path(spec.origin).read_text(), module
    assert any(c[2:4] == ["bot.database", "upgrade"] for c in commands if c[:2] == ["python", "-m"])


def test_the_rasa_token_is_never_on_a_command_line():
    for command in _commands():
        assert not any("TOKEN" in part.upper() or "SALT" in part.upper() for part in command), command


# --- Kubernetes -------------------------------------------------------------------------------

def test_every_manifest_is_valid_kubernetes():
    import kubernetes_validate

    documents = list(_manifests())
    assert len(documents) >= 12
    for document in documents:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)

    # The check is strict: a misspelt field is refused, not ignored.
    broken = _by_kind("Deployment")["web"]
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_kubernetes_runs_the_same_parts_as_compose():
    deployments = _by_kind("Deployment")
    assert {"rasa", "actions", "web", "redis"} <= set(deployments)
    assert deployments["rasa"]["spec"]["replicas"] >= 2
    assert "postgres" in _by_kind("StatefulSet")
    assert _pod_spec(_by_kind("Job")["migrate"])["containers"][0]["command"] == ["python", "-m", "bot.database", "upgrade"]
    retention = _by_kind("CronJob")["retention"]
    assert _pod_spec(retention)["containers"][0]["command"] == ["python", "-m", "bot.console.retention"]
    assert _pod_spec(deployments["rasa"])["containers"][0]["command"] == RASA_COMMAND
    compose = _compose()["services"]
    assert _pod_spec(deployments["web"])["containers"][0]["command"] == compose["web"]["command"]
    assert {"rasa", "actions", "web", "redis", "postgres"} <= set(_by_kind("Service"))

    config = _by_kind("ConfigMap")["send-line-config"]["data"]
    assert config["ENVIRONMENT"] == "production"
    assert config["RETENTION_JOB_HOURS"] == "0", "the CronJob runs retention, not each web replica"


def test_every_pod_is_limited_probed_unprivileged_and_reads_secrets_from_the_secret():
    for name, workload in _app_workloads().items():
        pod = _pod_spec(workload)
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"]:
            assert {"requests", "limits"} <= set(container["resources"]), name
            assert {"cpu", "memory"} <= set(container["resources"]["limits"]), name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert {"secretRef": {"name": "send-line-secrets"}} in container["envFrom"], name
            literal = {env["name"] for env in container.get("env", []) if "value" in env}
            assert not literal & SECRET_NAMES, f"{name} writes a secret in its manifest"
            if workload["kind"] == "Deployment":
                assert {"startupProbe", "readinessProbe", "livenessProbe"} <= set(container), name
    web = _pod_spec(_by_kind("Deployment")["web"])["containers"][0]
    assert web["startupProbe"]["httpGet"]["path"] == "/health"
    actions = _pod_spec(_by_kind("Deployment")["actions"])["containers"][0]
    assert actions["readinessProbe"]["httpGet"]["path"] == "/health"
    secret = _by_kind("Secret")["send-line-secrets"]
    assert set(secret["stringData"].values()) == {""}, "the example Secret must hold no value"


# --- the advisories register (docs/dependencies.md) ---------------------------------------------

def _advisories_script():
    spec = importlib.util.spec_from_file_location("dependency_advisories", ROOT / "scripts" / "dependency_advisories.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_advisories_table_says_what_holds_a_package_back(tmp_path):
    script = _advisories_script()
    (tmp_path / "one.yaml").write_text(yaml.safe_dump({
        "id": "PYSEC-0000-1", "aliases": ["CVE-0000-1"],
        "affected": [{"package": {"ecosystem": "PyPI", "name": "aiohttp"},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "3.0"}, {"fixed": "3.10.11"}]}]}]}))
    database = script.load_osv(tmp_path)
    assert script.from_osv(database, "aiohttp", "3.11.0") == []
    finding = script.Finding("aiohttp", "3.9.5", script.from_osv(database, "aiohttp", "3.9.5"))
    row = script.row(finding)
    # Rasa 3.6.21 allows aiohttp below 3.10 only: the fix does not fit, and the row says so.
    assert "PYSEC-0000-1 (CVE-0000-1)" in row and "3.10.11" in row and "held at 3.9.5 by rasa" in row

    doc = tmp_path / "dependencies.md"
    doc.write_text(f"# hand-written\n{script.START}\nold\n{script.END}\nkept\n")
    script.write(script.render([finding], 1, "a test"), doc)
    text = doc.read_text()
    assert "old" not in text and text.startswith("# hand-written") and text.endswith("kept\n")
    assert script.START in (ROOT / "docs" / "dependencies.md").read_text()


def test_the_web_app_is_probed_on_paths_it_serves_in_production(monkeypatch):
    from bot import app as web_app
    from bot.settings import get_settings

    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("RASA_TOKEN", "a-test-token-of-thirty-two-characters")
    monkeypatch.setenv("PHONE_HASH_SALT", "a-test-salt-of-thirty-two-characters")
    monkeypatch.setenv("TWILIO_VALIDATE_SIGNATURES", "true")
    get_settings.cache_clear()
    try:
        paths = {route.path for route in web_app.create_app().routes}
    finally:
        get_settings.cache_clear()
    web = _pod_spec(_by_kind("Deployment")["web"])["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert web[probe]["httpGet"]["path"] in paths, probe


# --- proxies (issue 20) -------------------------------------------------------------------------

def _dockerfile_command() -> List[str]:
    [cmd] = [line for line in DOCKERFILE.read_text().splitlines() if line.startswith("CMD ")]
    return json.loads(cmd[len("CMD "):])


def test_no_entry_point_believes_forwarded_headers_from_any_loopback_peer():
    # uvicorn --proxy-headers without --forwarded-allow-ips believes X-Forwarded-For from
    # 127.0.0.1 (its default), ignoring TRUSTED_PROXIES: a spoofed address in the audit log.
    # Every entry point starts the web app as the supervisor does (bot.web_server).
    commands = [_dockerfile_command(), *_commands()]
    for command in commands:
        assert "--proxy-headers" not in command, command
        assert command[0] != "uvicorn", command
    web = [c for c in commands if c[:3] == ["python", "-m", "bot.web_server"]]
    assert len(web) == 3, commands  # the image, compose and Kubernetes


def test_the_web_server_believes_forwarded_headers_only_from_trusted_proxies():
    from bot.settings import Settings
    from bot.web_server import command

    line = command(Settings(), ["--host", "0.0.0.0"])
    assert "--no-proxy-headers" in line and "--proxy-headers" not in line
    line = command(Settings(trusted_proxies="10.0.0.10, 10.0.0.11"), [])
    assert line[line.index("--forwarded-allow-ips") + 1] == "10.0.0.10,10.0.0.11"
    assert "FORWARDED_ALLOW_IPS=" not in ENV_EXAMPLE.read_text()
