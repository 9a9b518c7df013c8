"""The sections of docs/benchmarks.md that benchmark scripts write (stdlib only, so a script
that needs nothing else, such as bench/test_suite_time.py, runs before `.venv` exists).

Each section sits between `<!-- KEY:begin -->` and `<!-- KEY:end -->`, written by exactly
one script under bench/ (tests/unit/test_benchmarks_doc.py checks it).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"


def write_section(text: str, key: str) -> None:
    """Replace (or add) the block between this benchmark's markers in docs/benchmarks.md."""
    begin, end = f"<!-- {key}:begin -->", f"<!-- {key}:end -->"
    current = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    block = f"{begin}\n{text}\n{end}"
    if begin in current:
        head, rest = current.split(begin, 1)
        current = head + block + rest.split(end, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(current)
