"""Test messages that are training examples in disguise.

A message "near" a training example equals it, or differs from it by a single word (one
word changed, added or removed), after lower-casing and dropping punctuation. A gate measured
on such messages measures memory, not understanding (issue "Understanding people in their own
words"). Used by tests/data/test_test_sets_are_unseen.py and by `python -m tests.support.near_duplicates`
to list offenders.
"""
from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(text: str) -> Tuple[str, ...]:
    return tuple(_WORD.findall(text.lower().replace("’", "'")))


def training_examples(data_dir: Path = ROOT / "data") -> List[str]:
    """Every NLU example under data/ (Rasa YAML: `examples` as a block or as a list), and the safeguarding bank."""
    found = []
    for path in sorted(data_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for block in (document.get("nlu") or []) if isinstance(document, dict) else []:
            examples = block.get("examples")
            if isinstance(examples, str):
                found += [line[2:].strip() for line in examples.splitlines() if line.strip().startswith("- ")]
            elif isinstance(examples, list):
                found += [str(item.get("text", "")).strip() for item in examples if isinstance(item, dict)]
        # The safeguarding classifier's bank (data/safeguarding/bank.yml): trained on too.
        for key in ("disclosures", "ordinary"):
            rows = document.get(key) if isinstance(document, dict) else None
            found += [str(row.get("text", "")).strip() for row in rows or [] if isinstance(row, dict)]
    return [re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", lambda m: m.group(1) or m.group(2), e) for e in found]


class Index:
    """Finds training examples within one word of a message, without comparing every pair."""

    def __init__(self, examples: Iterable[str]):
        self.exact: Dict[Tuple[str, ...], str] = {}
        self.by_gap: Dict[Tuple[int, Tuple[str, ...]], List[str]] = defaultdict(list)
        for example in examples:
            key = words(example)
            if not key:
                continue
            self.exact.setdefault(key, example)
            for i in range(len(key)):
                # One word blanked: catches a substitution (same length) ...
                self.by_gap[(0, key[:i] + ("*",) + key[i + 1:])].append(example)
                # ... and one word dropped: catches an insertion or a deletion.
                self.by_gap[(1, key[:i] + key[i + 1:])].append(example)

    def near(self, message: str) -> List[str]:
        key = words(message)
        if not key:
            return []
        hits = [self.exact[key]] if key in self.exact else []
        if len(key) < 3:
            return hits  # "yes please" / "no thanks": one word of two is not a copy
        for i in range(len(key)):
            hits += self.by_gap.get((0, key[:i] + ("*",) + key[i + 1:]), [])
            shorter = key[:i] + key[i + 1:]
            # the message has one word more than an example
            if shorter in self.exact:
                hits.append(self.exact[shorter])
            # the message has one word fewer than an example (same gap key)
            hits += self.by_gap.get((1, key), []) if i == 0 else []
        return sorted(set(hits))


def offenders(messages: Sequence[str], index: Index) -> List[Tuple[str, List[str]]]:
    return [(m, index.near(m)) for m in messages if index.near(m)]


def _main() -> None:
    """python -m tests.support.near_duplicates [--prune-realistic] [FILE...]: list (or prune) offenders."""
    from tests.support.test_sets import messages_of

    idx = Index(training_examples())
    if "--prune-realistic" in sys.argv:
        prune_realistic_sets(idx)
    for name in [a for a in sys.argv[1:] if not a.startswith("--")]:
        for message, hits in offenders(messages_of(Path(name)), idx):
            print(f"{name}: {message!r} ~ {hits[0]!r}")


def prune_realistic_sets(index: Index) -> None:
    """Drop from the realistic sets every message near a training example (text only, no model).

    The sets were written blind to data/; a short common question ("who is this service for")
    can still coincide with a training example. Such a message measures memory, so it leaves
    the set; nothing else about the set changes. Run after adding training data.
    """
    for path in sorted((ROOT / "tests" / "realistic").rglob("*.yml")):
        text = path.read_text()
        header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
        document = yaml.safe_load(text) or {}
        removed = 0
        for key, rows in document.items():
            if isinstance(rows, list):
                kept = [row for row in rows if not index.near(str(row.get("text", "")))]
                removed += len(rows) - len(kept)
                document[key] = kept
        if removed:
            path.write_text(header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000))
            print(f"{path.relative_to(ROOT)}: {removed} messages near training examples removed")


if __name__ == "__main__":
    _main()
