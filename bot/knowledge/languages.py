"""Which language a message is written in, so staff can arrange an interpreter.

Uses the maintained `lingua-language-detector` library, limited to the languages most
spoken in England besides English (ONS Census 2021, main languages), which keeps its
models small and lazily loaded. Only called for messages the NLU model already took to be
in another language.
"""

from __future__ import annotations

import functools
import threading
from typing import Optional

# Main languages in England and Wales other than English (Census 2021), plus the Nordic and
# other European languages parents write in. Romanised Urdu/Punjabi is not recognised by
# any library here: such messages are "another language" without a name.
_LANGUAGES = (
    "POLISH",
    "ROMANIAN",
    "PUNJABI",
    "URDU",
    "PORTUGUESE",
    "SPANISH",
    "ARABIC",
    "BENGALI",
    "GUJARATI",
    "ITALIAN",
    "LITHUANIAN",
    "FRENCH",
    "CHINESE",
    "TURKISH",
    "TAMIL",
    "BULGARIAN",
    "PERSIAN",
    "GERMAN",
    "RUSSIAN",
    "UKRAINIAN",
    "HINDI",
    "SOMALI",
    "GREEK",
    "HUNGARIAN",
    "LATVIAN",
    "SLOVAK",
    "CZECH",
    "ALBANIAN",
    "VIETNAMESE",
    "DUTCH",
    "ENGLISH",
    "WELSH",
)
MIN_CONFIDENCE = 0.5
_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _detector():
    # Low accuracy mode (trigram models only): measured here, it loads in 0.7 s and 44 MB
    # instead of 21 s and 500 MB (the action server's start-up waited for that), and named
    # every language of tests/unit/knowledge/test_languages.py as the full models did.
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _LANGUAGES if hasattr(Language, name)]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def language_name(text: Optional[str]) -> Optional[str]:
    """'Polish', 'Urdu', ... or None when unsure, when English, or for an empty text."""
    if not text or not text.strip():
        return None
    with _lock:
        values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    best = values[0]
    if best.value < MIN_CONFIDENCE or best.language.name == "ENGLISH":
        return None
    return best.language.name.title()
