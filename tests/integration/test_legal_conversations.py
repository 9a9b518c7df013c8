"""The legal regression table's conversational rows (tests/legal/cases.yml), over REST.

Each row with `conversation` sends its turns to the trained model through the real
servers (`running_stack`, tests/integration/conftest.py) and checks what was said:
`reply_says` must each be said in some reply of the
conversation, `reply_says_not` in none. Rows marked `needs_flow` wait
on the form engine's rewrite (issue 18's report says what the flow must ask and call):
they are strict xfails, so the mark must come off once they pass. Heavy: run it under
`flock /tmp/heavy.lock` (fixed ports, shared cores).
"""
from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Dict, List

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "legal"))
import table  # noqa: E402  (tests/legal/table.py: the one table both halves read)

ROWS = table.conversational()


def _params():
    for row in ROWS:
        marks = [pytest.mark.xfail(strict=True, reason="waits on the form engine (issue 18 report)")] \
            if row.get("needs_flow") else []
        yield pytest.param(row, id=row["id"], marks=marks)


def _text(replies: List[Dict]) -> str:
    return " ".join(reply.get("text") or "" for reply in replies)


@pytest.mark.parametrize("row", list(_params()))
def test_conversational_row(running_stack, row):
    sender = f"legal-{row['id']}-{uuid.uuid4().hex[:8]}"
    replies: List[Dict] = []
    for turn in row["conversation"]:
        replies += running_stack.say(sender, turn)
    said = _text(replies)
    lowered = said.lower()
    missing = [phrase for phrase in row.get("reply_says", []) if phrase.lower() not in lowered]
    wrong = [phrase for phrase in row.get("reply_says_not", []) if phrase.lower() in lowered]
    assert not missing and not wrong, (
        f"{row['id']} ({row['rule']}; {row['source']}): {row['conversation']!r} -> {said!r}; "
        f"missing {missing}, must not say {wrong}")
