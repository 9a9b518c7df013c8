"""Every message a test sends as if a person wrote it, read from each kind of test set.

Kinds: the realistic sets (tests/realistic/**.yml: messages, situations, disclosures,
ordinary), Rasa NLU test files (tests/nlu), conversation tests (tests/conversations), and
the Python tests that talk to the trained model (the text passed to `say(...)` or
`speech(...)`, and the first string of each row of a module-level table).
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import List

import yaml

ROOT = Path(__file__).resolve().parents[2]
_REALISTIC_KEYS = ("messages", "situations", "disclosures", "ordinary")
_SPEAKING_CALLS = {"say", "speech", "text", "sms", "send_sms", "chat"}


def _from_yaml(path: Path) -> List[str]:
    document = yaml.safe_load(path.read_text()) or {}
    found: List[str] = []
    for key in _REALISTIC_KEYS:
        found += [str(row["text"]) for row in document.get(key) or [] if isinstance(row, dict) and row.get("text")]
    for block in document.get("nlu") or []:
        examples = block.get("examples")
        if isinstance(examples, str):
            found += [line.strip()[2:] for line in examples.splitlines() if line.strip().startswith("- ")]
    for story in document.get("stories") or []:
        found += [str(step["user"]).strip() for step in story.get("steps", []) if "user" in step]
    return found


def _from_python(path: Path) -> List[str]:
    tree = ast.parse(path.read_text())
    found: List[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in _SPEAKING_CALLS:
                found += [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    for node in tree.body:  # module-level tables of (message, expected...) rows
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, (ast.Tuple, ast.List)):
            for row in node.value.elts:
                if isinstance(row, (ast.Tuple, ast.List)) and row.elts and isinstance(row.elts[0], ast.Constant) \
                        and isinstance(row.elts[0].value, str):
                    found.append(row.elts[0].value)
    return found


def messages_of(path: Path) -> List[str]:
    return _from_python(path) if path.suffix == ".py" else _from_yaml(path)


def test_set_files() -> List[Path]:
    files = sorted((ROOT / "tests" / "realistic").rglob("*.yml"))
    files += sorted((ROOT / "tests" / "nlu").glob("*.yml"))
    files += sorted((ROOT / "tests" / "conversations").glob("*.yml"))
    files += sorted((ROOT / "tests" / "integration").glob("test_*.py"))
    return files
