"""The readers of answers that every form uses: a request to change an answer, yes or no to
"is this right?", a change of mind between mediation and the certificate. Plain Python, no Rasa;
each form keeps the readers only it needs.
"""

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

# "change my council", "correct the date": which answer to ask again (the form reads `what`).
CHANGE = re.compile(r"^\s*(please\s+)?(change|correct|fix|edit)\s+(the\s+|my\s+)?(?P<what>.+?)\s*\.?$")
# Yes or no to a summary read back before something is issued or sent.
CONFIRM_YES = re.compile(
    r"^\s*(yes|yeah|yep|yup|y|correct|that'?s (right|correct|fine)|right|ok|okay|sure|go ahead|spot on|"
    r"all (correct|good|fine)|that is (right|correct)|please do|do it|send it|issue it|confirm)\b"
)
# A change of mind between mediation and the certificate, at any step ("actually, just give me
# the certificate"; "I've changed my mind, I'd like mediation after all"). Negations first.
CHANGED_MIND = re.compile(
    r"\b(changed? my mind|change of (plan|mind)|actually|instead|rather|after all|on second thought"
    r"|thinking about it|scrap that|forget (that|mediation|the certificate))\b"
)
WANTS_CERTIFICATE_ONLY = re.compile(
    r"\b(don'?t|do not|dont|won'?t|not|rather not|no)\b[^.]*\b(want |need |have |go to |do |try )?(mediat|a meeting)"
    r"|\b(just|only|straight to)\b[^.]*\b(certificate|appeal|tribunal)\b"
    r"|\b(issue|give|send|get)\b[^.]*\bcertificate\b"
)
WANTS_MEDIATION = re.compile(
    r"\b(try|like|want|have|go ahead with|pursue|happy to|willing to|arrange|set up|book|do)\b"
    r"[^.]*\bmediat"
)
CONFIRM_NO = re.compile(r"^\s*(no|nope|nah|n|not (quite|right)|wrong|that'?s wrong|incorrect)\b")


@dataclass
class Reading:
    """What one message says: facts to set (None clears one), things to say, and a problem
    with the answer to the question asked (said before the question is asked again)."""

    updates: Dict[str, object] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)
    problem: Optional[str] = None
    confirmed: Optional[bool] = None
    #: the message answers the question asked, though not with something usable ("phone" to
    #: "what is your name?"): the form says why and asks again, whatever the intent was
    answered: bool = False

    @property
    def found_anything(self) -> bool:
        return bool(self.updates) or self.problem is not None or self.confirmed is not None


def wants(text: str) -> "Optional[str]":
    """'certificate' or 'mediation' when a message says which the person wants now, else None."""
    lowered = " ".join((text or "").lower().replace("’", "'").split())
    if WANTS_CERTIFICATE_ONLY.search(lowered):
        return "certificate"
    if WANTS_MEDIATION.search(lowered):
        return "mediation"
    return None
