"""Is a council one of the 16 that commission this service? (seed: Kent 2014)

Plain Python. People outside the South East Group are told that their own
council's mediation service handles it, and how to find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.nlp.patterns import find_local_authority

HOW_TO_FIND_YOUR_SERVICE = (
    "Your council's decision letter names its mediation adviser, and the council's "
    "Local Offer website lists its mediation and disagreement resolution services "
    "(SEND Regulations 2014 reg 5(3); SEND Code of Practice 11.13)."
)


@dataclass(frozen=True)
class ServiceArea:
    local_authority: Optional[str]  # canonical name, when recognised
    recognised: bool
    in_south_east_group: bool
    message: Optional[str]


def service_area(name: Optional[str]) -> ServiceArea:
    if not name:
        return ServiceArea(None, recognised=False, in_south_east_group=False, message=None)
    authority = find_local_authority(name)
    if authority is None:
        return ServiceArea(
            None,
            recognised=False,
            in_south_east_group=False,
            message=(
                f"We did not recognise '{name}' as a council in England. This service covers 16 councils "
                f"in the South East. {HOW_TO_FIND_YOUR_SERVICE}"
            ),
        )
    if authority.south_east_group:
        return ServiceArea(authority.name, recognised=True, in_south_east_group=True, message=None)
    return ServiceArea(
        authority.name,
        recognised=True,
        in_south_east_group=False,
        message=(
            f"{authority.name} is not one of the 16 South East councils this service works for, "
            f"so {authority.name}'s own mediation service handles mediation and disagreement resolution. "
            f"{HOW_TO_FIND_YOUR_SERVICE} The rules and dates below apply everywhere in England."
        ),
    )
