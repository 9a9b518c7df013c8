"""Noticing that someone is stressed or upset (not a disclosure: bot.safeguarding does those),
so that a form acknowledges it before its next question. Plain Python, no Rasa.

A worried parent who writes "sorry I'm in tears, it's Kent" should not be answered with
only "What is your child's age?".
"""

import re
from typing import Optional

ACKNOWLEDGEMENT = "I'm sorry, this sounds really hard. I'll keep this as quick as I can."

_DISTRESS = re.compile(
    r"\b(stress(ed|ful|ing)?|exhaust(ed|ing)|drained|worn out|knackered|in tears|crying|cried|"
    r"end of my tether|wits'? end|overwhelm(ed|ing)|desperate|worried sick|so worried|really worried|"
    r"beside myself|fed up|can'?t sleep|not sleeping|nightmare|struggling|frustrat(ed|ing)|upset|anxious|"
    r"anxiety|scared|terrified|heartbroken|devastated|furious|livid|so angry|sick of|sick to death|"
    r"had enough|torture|hell|gutted|broken|falling apart|losing my mind|going mad|at a loss|"
    r"don'?t know what (else )?to do|banging my head|brick wall)\b"
)


def sounds_distressed(text: Optional[str]) -> bool:
    """True when a message says the writer is stressed, upset or worn out."""
    return bool(_DISTRESS.search((text or "").lower().replace("’", "'")))
