"""scripts/dependency_advisories.py (issue 22): every pin checked (both lock files and the
build tools), each advisory with the versions it affects and its fixes, from PyPI's
per-release JSON (a real local HTTP server stands in for it) or from an OSV folder; a source
that does not answer writes nothing; a package without a hand-written exposure row is named.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location(
        "dependency_advisories", ROOT / "scripts" / "dependency_advisories.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def pins(tmp_path, script, monkeypatch):
    """Two lock files and a Makefile that pins the build tools, as the real ones do."""
    (tmp_path / "requirements.lock").write_text("# runtime\naiohttp==3.9.5\nsix==1.17.0\n")
    (tmp_path / "requirements-dev.lock").write_text("# dev\npytest==8.4.2\n")
    (tmp_path / "Makefile").write_text('\t$(PY) -m pip install "pip==24.0" "setuptools==70.3.0" "wheel==0.45.1"\n')
    monkeypatch.setattr(script, "LOCKS", (tmp_path / "requirements.lock", tmp_path / "requirements-dev.lock"))
    monkeypatch.setattr(script, "BUILD_TOOLS", tmp_path / "Makefile")
    doc = tmp_path / "dependencies.md"
    doc.write_text(f"# by hand\n{script.START}\n{script.END}\n\n| package | exposed? |\n|---|---|\n| aiohttp | no |\n")
    return doc


def test_every_pin_is_read_with_where_it_comes_from(script, pins):
    assert script.pins_and_where(script.LOCKS, script.BUILD_TOOLS) == [
        ("aiohttp", "3.9.5", "runtime"),
        ("six", "1.17.0", "runtime"),
        ("pytest", "8.4.2", "development"),
        ("pip", "24.0", "build tools"),
        ("setuptools", "70.3.0", "build tools"),
        ("wheel", "0.45.1", "build tools"),
    ]


def _osv(folder: Path, name: str, ident: str, events, summary: str = "") -> None:
    entry = {
        "id": ident,
        "aliases": [f"CVE-{ident}"],
        "summary": summary,
        "affected": [
            {"package": {"ecosystem": "PyPI", "name": name}, "ranges": [{"type": "ECOSYSTEM", "events": events}]}
        ],
    }
    (folder / f"{ident}.yaml").write_text(yaml.safe_dump(entry))


def test_from_an_osv_folder_each_advisory_says_what_it_affects_and_what_fixes_it(script, pins, tmp_path, capsys):
    folder = tmp_path / "vulns"
    folder.mkdir()
    _osv(folder, "aiohttp", "PYSEC-1", [{"introduced": "0"}, {"fixed": "3.10.11"}], "request smuggling | in the parser")
    _osv(folder, "aiohttp", "PYSEC-2", [{"introduced": "3.10.0b1"}, {"fixed": "3.10.2"}])  # not our release
    _osv(folder, "pytest", "PYSEC-3", [{"introduced": "0"}, {"fixed": "9.0.3"}])
    _osv(folder, "setuptools", "PYSEC-4", [{"introduced": "0"}, {"fixed": "78.1.1"}])

    code = script.main(["--write", "--osv-dir", str(folder), "--source-note", "a test copy", "--doc", str(pins)])

    assert code == 0
    text = pins.read_text()
    section = text.split(script.START)[1].split(script.END)[0]
    assert "6 pinned packages checked (2 runtime, 1 development, 3 build tools)" in section
    assert "3 with published advisories that affect the pinned release" in section
    assert "Source: a test copy" in section
    assert (
        "| aiohttp | 3.9.5 | PYSEC-1 | CVE-PYSEC-1 | <3.10.11 | 3.10.11 | yes | request smuggling / in the parser |"
        in (section)
    )
    assert "PYSEC-2" not in section.split("Each advisory")[1]  # 3.10.0b1 to 3.10.2 leaves 3.9.5 out
    assert "| aiohttp | 3.9.5 | runtime | PYSEC-1 (CVE-PYSEC-1) | 1 |" in section  # one more on file
    assert "| pytest | 8.4.2 | development |" in section and "| setuptools | 70.3.0 | build tools |" in section
    assert text.endswith("| aiohttp | no |\n")  # the hand-written register is kept
    # pytest and setuptools have no row in the register: the script says so.
    assert "not yet in the hand-written register (is this product exposed?): pytest, setuptools" in (
        capsys.readouterr().out
    )


class FakePyPI:
    """A real HTTP server answering /pypi/<name>/<version>/json as PyPI does, or 404 for every release."""

    def __init__(self, releases):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                _, _, name, version, _ = self.path.split("/")
                found = releases.get((name, version))
                body = json.dumps({"info": {"version": version}, "vulnerabilities": found}).encode()
                self.send_response(200 if found is not None else 404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/pypi/{{name}}/{{version}}/json"

    def stop(self):
        self.http.shutdown()
        self.http.server_close()


def test_from_pypi_each_release_is_asked_and_withdrawn_advisories_are_left_out(script, pins, monkeypatch):
    smuggling = {"id": "GHSA-1", "aliases": ["CVE-1"], "fixed_in": ["3.10.11"], "details": "Request smuggling."}
    withdrawn = {"id": "GHSA-2", "aliases": [], "fixed_in": ["3.9.6"], "withdrawn": "2026-01-01T00:00:00Z"}
    releases = {(name, version): [] for name, version, _ in script.pins_and_where(script.LOCKS, script.BUILD_TOOLS)}
    releases[("aiohttp", "3.9.5")] = [smuggling, withdrawn]
    pypi = FakePyPI(releases)
    monkeypatch.setattr(script, "PYPI_RELEASE_JSON", pypi.url)
    try:
        assert script.main(["--write", "--doc", str(pins)]) == 0
    finally:
        pypi.stop()
    section = pins.read_text().split(script.START)[1].split(script.END)[0]
    assert "Source: PyPI's JSON API" in section and "1 with published advisories" in section
    assert "| aiohttp | 3.9.5 | GHSA-1 | CVE-1 | this release (3.9.5) | 3.10.11 | yes | Request smuggling. |" in section
    assert "GHSA-2" not in section


def test_when_pypi_answers_404_nothing_is_written_and_it_says_why(script, pins, monkeypatch, capsys):
    before = pins.read_text()
    pypi = FakePyPI({})
    monkeypatch.setattr(script, "PYPI_RELEASE_JSON", pypi.url)
    try:
        assert script.main(["--write", "--doc", str(pins)]) == 2
    finally:
        pypi.stop()
    assert pins.read_text() == before
    said = capsys.readouterr().err
    assert "did not answer for aiohttp 3.9.5" in said and "HTTP Error 404" in said and "--osv-dir" in said


def test_the_committed_register_has_a_row_for_every_package_of_the_table(script):
    doc = (ROOT / "docs" / "dependencies.md").read_text()
    table = doc.split(script.START)[1].split(script.END)[0]
    flagged = [
        line.split("|")[1].strip() for line in table.split("Each advisory")[0].splitlines() if line.startswith("| ")
    ]
    flagged = [name for name in flagged if name not in ("package",)]
    assert flagged, "the advisories table is empty"
    register = doc.split(script.END)[1]
    assert [name for name in flagged if f"| {name} |" not in register] == []
