"""Every figure in docs/benchmarks.md between `<!-- KEY:begin -->` and `<!-- KEY:end -->` is
written by the command named beside it, never by hand:

- exactly one script under bench/ writes KEY (it calls write_section and holds KEY as a
  string, or takes `--section` and the section's command passes `--section KEY`);
- the section's last "Measured ..." line names `python -m bench.<that script>` (or
  `python3 -m`); a section not measured yet says "Not yet measured ... run `...`" and
  holds no table; a section with no "Measured ..." line names its command and the date
  in its first line that names one (`python -m bench.X` or `bench/X.py`, then a date);
- the header row of each table in the section is built by that script: it matches one
  of the script's string expressions (a literal, an f-string, or a `+` chain of them,
  with what is computed taken as anything), compared without whitespace and backticks,
  and that expression starts with a literal first cell (or at least 20 characters of one).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = re.compile(r"<!-- (?P<key>[\w-]+):begin -->\n(?P<body>.*?)\n?<!-- (?P=key):end -->", re.S)
COMMAND = re.compile(r"\bpython3? -m bench\.(?P<module>\w+)(?P<args>[^`]*)|\bbench/(?P<file>\w+)\.py\b")
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2} (January|February|March|April|May|June|July|August|September|"
                  r"October|November|December) \d{4}\b")
SEPARATOR = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")
LEADING_LITERAL = 20  # characters (no whitespace) of a header's start that must be written out in the script



def bench_sources() -> Dict[str, str]:
    return {path.stem: path.read_text() for path in sorted((ROOT / "bench").glob("*.py"))}


def sections(doc: str) -> Dict[str, str]:
    return {match["key"]: match["body"] for match in SECTION.finditer(doc)}


def _squash(text: str) -> str:
    return re.sub(r"[\s`]+", "", text)


def _pieces(node: ast.AST) -> Optional[List[Optional[str]]]:
    """A string expression as literal pieces and None for what is computed; None if not one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value if isinstance(v, ast.Constant) else None for v in node.values]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pieces(node.left), _pieces(node.right)
        if left is None and right is None:
            return None
        return (left or [None]) + (right or [None])
    return None


def header_patterns(source: str) -> Iterator[re.Pattern]:
    """The script's string expressions that could build a table's header row."""
    for node in ast.walk(ast.parse(source)):
        pieces = _pieces(node)
        if not pieces or pieces[0] is None:
            continue
        lead = _squash(pieces[0])
        if not lead.startswith("|") or not (re.match(r"^\|[^|]+\|", lead) or len(lead) >= LEADING_LITERAL):
            continue
        yield re.compile("".join(".*?" if piece is None else re.escape(_squash(piece)) for piece in pieces))


def _calls_write_section(tree: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) == "write_section" or getattr(node.func, "attr", None) == "write_section")
        for node in ast.walk(tree)
    )


def writers(key: str, command_args: str, sources: Dict[str, str]) -> List[str]:
    found = []
    for module, source in sources.items():
        tree = ast.parse(source)
        if not _calls_write_section(tree):
            continue
        strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
        if key in strings or ("--section" in strings and re.search(rf"--section {re.escape(key)}(\s|$)", command_args)):
            found.append(module)
    return found


def check_section(key: str, body: str, sources: Dict[str, str]) -> List[str]:
    """What is wrong with one section (empty when it is written by its script)."""
    lines = [line.strip() for line in body.splitlines()]
    stamps = [line for line in lines if line.startswith(("Measured ", "Not yet measured"))]
    stamps = stamps or [line for line in lines if COMMAND.search(line) and DATE.search(line)][:1]
    if not stamps:
        return [f"{key}: no 'Measured ...' line naming the command that wrote it"]
    stamp = stamps[-1]
    command = COMMAND.search(stamp)
    found = writers(key, command["args"] or "" if command else "", sources)
    if len(found) != 1:
        return [f"{key}: written by {len(found)} scripts under bench/ ({', '.join(found) or 'none'}), not exactly one"]
    module = found[0]
    problems = []
    if not command or (command["module"] or command["file"]) != module:  # sources: the files under bench/
        problems.append(f"{key}: its last 'Measured ...' line does not name `python -m bench.{module}`: {stamp}")
    headers = [line for line, below in zip(lines, lines[1:]) if line.startswith("|") and SEPARATOR.match(below)]
    if stamp.startswith("Not yet measured") and headers:
        problems.append(f"{key}: 'Not yet measured' yet holds a table")
    patterns = list(header_patterns(sources[module]))
    for header in headers:
        if not any(pattern.fullmatch(_squash(header)) for pattern in patterns):
            problems.append(f"{key}: table header not built by bench/{module}.py (written by hand?): {header}")
    return problems


def check_doc(doc: str, sources: Dict[str, str]) -> List[str]:
    return [problem for key, body in sections(doc).items() for problem in check_section(key, body, sources)]


def _cases():
    for key in sections(DOC.read_text()):
        yield pytest.param(key, id=key)


@pytest.mark.parametrize("key", list(_cases()))
def test_each_section_is_written_by_the_script_it_names(key):
    assert check_section(key, sections(DOC.read_text())[key], bench_sources()) == []


def test_the_doc_has_its_sections():
    keys = set(sections(DOC.read_text()))
    assert {"startup-and-training", "load", "test-suite-time", "caller-journey", "rasa-cpu"} <= keys


FAKE_SCRIPT = """
def main(rows, command):
    lines = ["| measure | value |", "|---|---|", *rows, "", f"Measured today with `{command}`."]
    lines += ["| journey | " + " | ".join(rows) + " |", "|---|---|"]
    write_section("\\n".join(lines), key="fake")
"""


def _fake_doc(table: str, stamp: str = "Measured 2026-12-02 with `.venv/bin/python -m bench.fake`.") -> str:
    return f"# Benchmarks\n\n<!-- fake:begin -->\n{table}\n\n{stamp}\n<!-- fake:end -->\n"


def test_a_section_its_script_writes_passes():
    table = "| measure | value |\n|---|---|\n| p50 | 3 ms |\n\n| journey | turns a | turns b |\n|---|---|---|"
    assert check_doc(_fake_doc(table), {"fake": FAKE_SCRIPT}) == []


def test_a_table_made_by_hand_is_reported():
    table = "| measure | value |\n|---|---|\n| p50 | 3 ms |\n\n| invented | by hand |\n|---|---|\n| p95 | 9 ms |"
    problems = check_doc(_fake_doc(table), {"fake": FAKE_SCRIPT})
    assert len(problems) == 1 and "| invented | by hand |" in problems[0]


def test_a_header_only_a_computed_cell_could_match_is_reported():
    script = FAKE_SCRIPT + '\ndef row(label, value):\n    return f"| {label} | {value} |"\n'
    problems = check_doc(_fake_doc("| anything | at all |\n|---|---|"), {"fake": script})
    assert len(problems) == 1 and "written by hand" in problems[0]


def test_a_section_with_no_script_or_the_wrong_command_is_reported():
    assert "not exactly one" in check_doc(_fake_doc("| measure | value |\n|---|---|"), {"other": "x = 1"})[0]
    stamp = "Measured 2026-12-02 with `.venv/bin/python -m bench.other`."
    problems = check_doc(_fake_doc("| measure | value |\n|---|---|", stamp), {"fake": FAKE_SCRIPT})
    assert len(problems) == 1 and "does not name `python -m bench.fake`" in problems[0]
    assert (
        "no 'Measured" in check_doc(_fake_doc("| measure | value |\n|---|---|", "By hand."), {"fake": FAKE_SCRIPT})[0]
    )


def test_a_command_named_with_its_date_stands_for_the_measured_line_but_not_without_the_date():
    table = "| measure | value |\n|---|---|"
    dated = "Fake figures (bench/fake.py, 2026-12-01): what the columns mean."
    assert check_doc(_fake_doc(table, dated), {"fake": FAKE_SCRIPT}) == []
    undated = "Fake figures (bench/fake.py): what the columns mean."
    assert "no 'Measured" in check_doc(_fake_doc(table, undated), {"fake": FAKE_SCRIPT})[0]
