"""Set-up finds Python 3.10, or stops with a message that names the fix."""
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "find-python310"


def run(env):
    return subprocess.run(["/bin/sh", str(SCRIPT)], env=env, capture_output=True, text=True)


def test_a_wrong_python_named_in_PYTHON_is_refused(tmp_path):
    result = run({"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON": "/bin/true"})
    assert result.returncode == 1
    assert "PYTHON=/bin/true is not a working Python 3.10" in result.stderr


def test_no_python_310_anywhere_names_the_fix(tmp_path):
    result = run({"PATH": str(tmp_path), "HOME": str(tmp_path)})
    assert result.returncode == 1
    assert "Python 3.10 was not found" in result.stderr
    assert "pyenv install 3.10" in result.stderr and "PYTHON=" in result.stderr
