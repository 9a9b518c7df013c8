"""What each section of an EHC plan holds, from data/patterns/ehc_sections.yml.

The same file feeds the entity ruler, so any section the assistant recognises
("section F", "the placement") is one it can explain.
"""

from __future__ import annotations

from typing import List, Optional

from bot.nlp.patterns import ehc_sections

SOURCE = "SEND Regulations 2014 reg 12; SEND Code of Practice 9.62"
# Sections the tribunal can decide on, and those it can only make recommendations
# about (send-routes.md routes 3 and 4).
APPEALABLE = {"B", "F", "I"}
RECOMMENDATIONS_ONLY = {"C", "D", "G", "H1", "H2"}


def _letter(section: Optional[str]) -> Optional[str]:
    """'section F', 'part h2', 'placement', 'section eye' (speech) -> the section's letter."""
    if not section:
        return None
    for letter, aliases in (ehc_sections().get("aliases") or {}).items():
        if section.strip().lower() in {alias.lower() for alias in aliases}:
            return letter
    letter = section.strip().upper().replace("SECTION", "").replace("PART", "").strip()
    return letter if letter in ehc_sections()["sections"] else None


def section_messages(section: Optional[str] = None) -> List[str]:
    """One section explained, or the whole list in two short messages."""
    sections = ehc_sections()["sections"]
    letter = _letter(section)
    if letter is None:
        letters = list(sections)
        half = (len(letters) + 1) // 2
        first = "; ".join(f"{k}: {sections[k]}" for k in letters[:half])
        second = "; ".join(f"{k}: {sections[k]}" for k in letters[half:])
        return [
            f"An EHC plan has these sections. {first}.",
            f"{second}. (Source: {SOURCE})",
        ]
    text = f"Section {letter} of an EHC plan is {sections[letter]}."
    if letter in APPEALABLE:
        text += " You can appeal to the SEND Tribunal about it."
    elif letter in RECOMMENDATIONS_ONLY:
        text += " The tribunal can only make recommendations about it, as part of an appeal about education."
    return [f"{text} (Source: {SOURCE}; Children and Families Act 2014 s.51)"]
