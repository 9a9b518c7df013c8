"""The legal regression table (tests/legal/cases.yml), read once for both halves of the
suite: the domain rows (tests/legal/test_legal_rules.py, fast) and the conversational rows
(tests/integration/test_legal_conversations.py, the trained model over REST)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Dict, List

import yaml

TABLE = Path(__file__).with_name("cases.yml")


def load() -> Dict:
    return yaml.safe_load(TABLE.read_text(encoding="utf-8"))


def today() -> dt.date:
    return load()["today"]


def cases(kind: str = None) -> List[Dict]:
    return [case for case in load()["cases"] if kind is None or case["kind"] == kind]


def conversational() -> List[Dict]:
    return [case for case in load()["cases"] if case.get("conversation")]
