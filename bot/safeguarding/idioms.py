"""Figures of speech that borrow the words of harm ("the paperwork is killing me", "scared to
death of the tribunal", "I don't want to shoot myself in the foot"), said plainly before the
classifier reads a message, so that the meaning it sees is the one the person meant.

Only the classifier reads the plain version; the word patterns (bot.safeguarding.words) read
the message as written, so a real disclosure worded like an idiom is still caught by them.
Each entry is a whole figure of speech with its plain meaning: never a single harm word.
"""

from __future__ import annotations

import re
from typing import List, Tuple

_FIGURES: List[Tuple[str, str]] = [
    (r"shoot (myself|ourselves|himself|herself|yourself) in the foot", "spoil my chances"),
    (r"(scared|frightened|terrified|worried|bored) to death (of|about|by)", r"very worried \2"),
    (r"(scared|frightened|terrified|bored) to death", "very worried"),
    (
        r"(he|she|they|my (husband|wife|partner|son|daughter))('d| would) (kill|murder) me if",
        r"\1 would be embarrassed if",
    ),
    (r"(lost|losing|lose) the plot", "got cross"),
    (r"fed up to the back teeth", "very fed up"),
    (r"(is|are|was|it's|its|this is|that's) (killing|murdering) me\b", r"\1 wearing me out"),
    (r"(will|'ll) be the death of me", r"\1 wear me out"),
    (r"over my dead body", "never"),
    (r"(dying|dead keen) to (know|find out|hear|ask)", r"keen to \2"),
    (r"killed (myself|me) laughing|killing (myself|me) laughing", "laughed a lot"),
    (r"could (murder|kill) (a|for a) (coffee|cup of tea|tea|drink|glass of wine)", "would like a drink"),
    (r"(drowning|buried|swimming) in (paperwork|emails|forms|letters|reports|admin)", r"overloaded with \2"),
    (r"(not|isn't|it's not) the end of the world", "not too bad"),
    (r"(pulling|tearing) my hair out", "very frustrated"),
    (r"(banging|bashing) my head (against|on) a (brick )?wall", "getting nowhere"),
    (r"(want|wanted|going) to scream( into a pillow)?", "very frustrated"),
    (r"throw the (laptop|phone|computer) out of the window", "very frustrated"),
    (
        r"(died|passed away) when (he|she|they|i) (was|were) (\d+|a baby|little|young|three|two|four|five)",
        r"was gone since \2 \3 \4",
    ),
]
_COMPILED = [(re.compile(rf"\b{pattern}", re.IGNORECASE), plain) for pattern, plain in _FIGURES]


def plainly(text: str) -> str:
    """``text`` with each figure of speech above replaced by its plain meaning (else unchanged)."""
    said = (text or "").replace("’", "'")
    for pattern, plain in _COMPILED:
        said = pattern.sub(plain, said)
    return said
