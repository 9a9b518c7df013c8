"""Pattern files under data/patterns/, and the normalisers built on them.

The same files feed the spaCy entity ruler (bot.nlp.build_pipeline) and these
normalisers, so a name the assistant recognises is always one it can resolve.
Plain Python: no spaCy or Rasa imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

PATTERNS_DIR = Path(__file__).resolve().parents[2] / "data" / "patterns"


@dataclass(frozen=True)
class LocalAuthority:
    name: str
    south_east_group: bool = False
    variants: Tuple[str, ...] = field(default_factory=tuple)
    case_sensitive_variants: Tuple[str, ...] = field(default_factory=tuple)


def _fold(text: str) -> str:
    """Lower case, '&' as 'and', no punctuation or council words."""
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = re.sub(
        r"\b(the|royal borough of|london borough of|borough|county|city|metropolitan|district|council)\b", " ", text
    )
    return " ".join(text.split())


@lru_cache(maxsize=1)
def local_authorities() -> Tuple[LocalAuthority, ...]:
    raw = yaml.safe_load((PATTERNS_DIR / "local_authorities.yml").read_text(encoding="utf-8"))
    return tuple(
        LocalAuthority(
            name=entry["name"],
            south_east_group=bool(entry.get("south_east_group", False)),
            variants=tuple(entry.get("variants", ())),
            case_sensitive_variants=tuple(entry.get("case_sensitive_variants", ())),
        )
        for entry in raw["authorities"]
    )


@lru_cache(maxsize=1)
def _authority_index() -> Dict[str, LocalAuthority]:
    index: Dict[str, LocalAuthority] = {}
    for authority in local_authorities():
        for text in (authority.name, *authority.variants, *authority.case_sensitive_variants):
            index.setdefault(_fold(text), authority)
    return index


def find_local_authority(text: Optional[str]) -> Optional[LocalAuthority]:
    """The local authority a name or variant refers to ("RBWM" -> Windsor and Maidenhead)."""
    if not text:
        return None
    return _authority_index().get(_fold(text))


def find_local_authority_in(text: Optional[str]) -> Optional[LocalAuthority]:
    """The first council named anywhere in free text ("we live in west berks now").

    Longer phrases are tried first, so "West Sussex" wins over "Sussex"-like parts.
    A council whose name is also an everyday word (Reading, Bury, Bath) counts inside
    a sentence only when written with a capital, as the spaCy entity ruler does; a
    whole answer ("reading") is `find_local_authority`'s job.
    """
    if not text:
        return None
    words = re.sub(r"[,.?!;:()]", " ", text).split()
    for size in range(min(6, len(words)), 0, -1):
        for start in range(0, len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            authority = find_local_authority(phrase)
            if authority is None:
                continue
            everyday = {_fold(variant) for variant in authority.case_sensitive_variants}
            if _fold(phrase) in everyday and phrase not in authority.case_sensitive_variants:
                continue
            return authority
    return None


def south_east_group() -> List[LocalAuthority]:
    return [authority for authority in local_authorities() if authority.south_east_group]


@lru_cache(maxsize=1)
def ehc_sections() -> dict:
    return yaml.safe_load((PATTERNS_DIR / "ehc_sections.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def route_terms() -> Dict[str, List[str]]:
    return yaml.safe_load((PATTERNS_DIR / "route_terms.yml").read_text(encoding="utf-8"))["routes"]
