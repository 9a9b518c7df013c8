"""Moved to bot/safeguarding/ (one feature, one folder); kept so older imports still work."""
from typing import List, Optional

from bot.safeguarding import replies
from bot.safeguarding.replies import EMERGENCY, HELPLINES, front_door_message
from bot.safeguarding.words import looks_like_risk


def safeguarding_messages(local_authority: Optional[str] = None, front_door_phone: Optional[str] = None) -> List[str]:
    """The risk-to-life messages for a parent or young person (bot.safeguarding.replies has the rest)."""
    return replies.safeguarding_messages(local_authority=local_authority, front_door_phone=front_door_phone)


__all__ = ["EMERGENCY", "HELPLINES", "front_door_message", "looks_like_risk", "safeguarding_messages"]
