"""Build the project's spaCy pipeline: a blank English pipeline plus an entity ruler.

    python -m bot.nlp.build_pipeline --output build/spacy/en_send

No model is downloaded: the pipeline is made from data/patterns/*.yml. Entity
labels match Rasa entity names (local_authority, ehc_section, route) and each
match carries the canonical value as its `ent_id_`.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any, Dict, List, cast

import spacy

from bot.nlp.patterns import ehc_sections, local_authorities, route_terms

PIPELINE_NAME = "en_send"
PIPELINE_VERSION = "1.0.0"


def entity_patterns() -> List[Dict]:
    patterns: List[Dict] = []
    for authority in local_authorities():
        for text in (authority.name, *authority.variants):
            if text in authority.case_sensitive_variants:
                continue
            patterns.append({"label": "local_authority", "pattern": text.lower(), "id": authority.name})
            # "Bath and North East Somerset" is also written with "&".
            if " and " in text.lower():
                patterns.append(
                    {"label": "local_authority", "pattern": text.lower().replace(" and ", " & "), "id": authority.name}
                )
        for text in authority.case_sensitive_variants:
            # Everyday words ("reading", "bury") count only when capitalised.
            patterns.append({"label": "local_authority", "pattern": [{"ORTH": text}], "id": authority.name})

    sections = ehc_sections()
    for letter in sections["sections"]:
        patterns.append(
            {
                "label": "ehc_section",
                "pattern": [{"LOWER": {"IN": ["section", "part", "sect"]}}, {"LOWER": letter.lower()}],
                "id": letter,
            }
        )
    for letter, aliases in sections.get("aliases", {}).items():
        for alias in aliases:
            patterns.append({"label": "ehc_section", "pattern": alias.lower(), "id": letter})

    for route_id, terms in route_terms().items():
        for term in terms:
            patterns.append({"label": "route", "pattern": term.lower(), "id": route_id})
    return patterns


def build(output: Path) -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.meta.update(
        {
            "name": PIPELINE_NAME,
            "version": PIPELINE_VERSION,
            "description": "SEND line: English tokenizer + entity ruler built from data/patterns",
        }
    )
    # Phrase patterns match on lower case, so "KENT", "kent" and "Kent" all count
    # (transcribed speech arrives in lower case).
    ruler: Any = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    ruler.add_patterns(entity_patterns())
    if output.exists():
        shutil.rmtree(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=Path("build/spacy") / PIPELINE_NAME)
    args = parser.parse_args()
    nlp = build(args.output)
    count = len(cast(Any, nlp.get_pipe("entity_ruler")).patterns)
    print(f"==> spaCy pipeline with {count} entity patterns saved to {args.output}")


if __name__ == "__main__":
    main()
