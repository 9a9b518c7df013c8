"""Safeguarding: find a disclosure in any message, and say the right thing (send-routes.md).

Plain Python, no Rasa: ``detector`` (words + a classifier on sentence vectors + the NLU
intent), ``words`` (the categorised patterns), ``replies`` (what is said, by category and
by who is writing, with honest availability). The Rasa component that runs the detector
on every message is bot.nlp.components.SafeguardingDetector.
"""

from bot.safeguarding.replies import (
    safeguarding_messages,
    writer_is_professional,
    writer_is_young_person,
)
from bot.safeguarding.words import CATEGORIES, looks_like_risk, mentions_overdose, word_category

CATEGORY_NAMES = {
    "risk_to_life": "risk to life or self-harm",
    "abuse_or_neglect": "abuse or neglect",
    "domestic_abuse": "domestic abuse",
    "carer_breaking_point": "a parent or carer at breaking point",
}

__all__ = [
    "CATEGORIES",
    "CATEGORY_NAMES",
    "looks_like_risk",
    "mentions_overdose",
    "safeguarding_messages",
    "word_category",
    "writer_is_professional",
    "writer_is_young_person",
]
