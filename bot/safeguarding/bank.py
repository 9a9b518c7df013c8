"""The safeguarding classifier's own bank of examples, beside the NLU training data.

``data/safeguarding/bank.yml`` holds disclosures (with their category) and ordinary worried
messages that are not disclosures. They have no intent, so they are not NLU examples: only
the safeguarding classifier learns from them (bot.nlp.components.SafeguardingDetector).
Each round was written blind to the gate sets (tests/realistic/) and is never a test.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

from bot.safeguarding.words import CATEGORIES

DEFAULT_BANK = Path(__file__).resolve().parents[2] / "data" / "safeguarding" / "bank.yml"


def load_bank(path: Path = DEFAULT_BANK) -> List[Tuple[str, Optional[str]]]:
    """``[(text, category or None), ...]``: the bank's disclosures, then its ordinary messages.

    Raises ValueError for a disclosure whose category is not one of CATEGORIES (words.py);
    a missing file is an empty bank."""
    if not path.is_file():
        return []
    document = yaml.safe_load(path.read_text()) or {}
    examples: List[Tuple[str, Optional[str]]] = []
    for row in document.get("disclosures") or []:
        if row.get("category") not in CATEGORIES:
            raise ValueError(f"{path}: unknown category {row.get('category')!r} for {row.get('text')!r}")
        examples.append((str(row["text"]), row["category"]))
    examples += [(str(row["text"]), None) for row in document.get("ordinary") or []]
    return examples


def bank_fingerprint(path: Path = DEFAULT_BANK) -> str:
    """SHA-256 of the bank file ("" when there is none): a changed bank means a retrained classifier."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
