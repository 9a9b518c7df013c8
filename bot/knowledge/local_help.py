"""Local help: the SENDIASS of a council (data/sendiass.yml), and who covers the area.

SEND Information, Advice and Support Services are free, impartial and confidential
(SEND Code of Practice 2.1-2.20). Only details marked ``verified: true`` in the data
file are read out; for the rest the person is told where to look, never given a
number nobody checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

from bot.nlp.patterns import find_local_authority, find_local_authority_in
from bot.redress.service_area import service_area

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "sendiass.yml"
SOURCE_SENDIASS = "SEND Code of Practice 2.1-2.20"
NATIONAL_HELP = (
    "Nationally, IPSEA gives free legal advice on SEND law (ipsea.org.uk), and Contact has "
    "a free helpline for families with disabled children (contact.org.uk). (Source: DfE report "
    "on SEND disagreement resolution, 2017)"
)


@dataclass(frozen=True)
class Sendiass:
    local_authority: str
    name: str
    website: Optional[str]
    phone: Optional[str]
    verified: bool
    childrens_social_care_phone: Optional[str] = None


@lru_cache(maxsize=1)
def sendiass_services() -> Tuple[Sendiass, ...]:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(
        Sendiass(
            local_authority=entry["local_authority"],
            name=entry["name"],
            website=entry.get("website"),
            phone=entry.get("phone"),
            verified=bool(entry.get("verified", False)),
            childrens_social_care_phone=entry.get("childrens_social_care_phone"),
        )
        for entry in raw["services"]
    )


def sendiass_for(local_authority: Optional[str]) -> Optional[Sendiass]:
    """The SENDIASS entry for a council name or variant ("RBWM", "kcc"), if we hold one."""
    authority = find_local_authority(local_authority)
    if authority is None:
        return None
    for service in sendiass_services():
        if service.local_authority == authority.name:
            return service
    return None


def describe_sendiass(service: Sendiass) -> str:
    parts = [f"Your local SENDIASS is {service.name}."]
    if service.website:
        parts.append(f"Website: {service.website}.")
    if service.verified and service.phone:
        parts.append(f"Phone: {service.phone}.")
    elif not service.website:
        parts.append(f"Search '{service.local_authority} SENDIASS' or look on the council's Local Offer website.")
    parts.append(f"It gives free, impartial and confidential advice. (Source: {SOURCE_SENDIASS})")
    return " ".join(parts)


def local_help_messages(local_authority: Optional[str]) -> List[str]:
    """What to tell someone who names their council (or None if they have not)."""
    if not local_authority:
        return [
            "Every council has a SEND Information, Advice and Support Service (SENDIASS). "
            "It gives free, impartial and confidential advice. Tell me your council and I'll "
            f"find yours. (Source: {SOURCE_SENDIASS})",
            NATIONAL_HELP,
        ]
    area = service_area(local_authority)
    if not area.recognised:
        return [area.message or "", NATIONAL_HELP]
    if not area.in_south_east_group:
        return [
            area.message or "",
            f"To find {area.local_authority}'s SENDIASS, search '{area.local_authority} SENDIASS' "
            f"or look on the council's Local Offer website. (Source: {SOURCE_SENDIASS})",
            NATIONAL_HELP,
        ]
    messages = [f"{area.local_authority} is one of the 16 South East councils this service covers."]
    service = sendiass_for(area.local_authority)
    if service is not None:
        messages.append(describe_sendiass(service))
    messages.append(NATIONAL_HELP)
    return messages


def childrens_social_care_phone(local_authority: Optional[str]) -> Optional[str]:
    """The council's children's social care front door number, where one was verified."""
    service = sendiass_for(local_authority)
    return service.childrens_social_care_phone if service else None


def find_council_in_text(text: Optional[str]) -> Optional[str]:
    """The first council named anywhere in free text ("we live in west berks now")."""
    authority = find_local_authority_in(text)
    return authority.name if authority else None
    words = text.replace(",", " ").replace(".", " ").replace("?", " ").split()
    for size in range(min(6, len(words)), 0, -1):
        for start in range(0, len(words) - size + 1):
            authority = find_local_authority(" ".join(words[start : start + size]))
            if authority is not None:
                return authority.name
    return None
