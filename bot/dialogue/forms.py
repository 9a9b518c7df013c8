"""One form engine for every form that asks questions one at a time and reads the answers
back: the route check, mediation advice and the mediation and disagreement resolution
requests. Plain Python, no Rasa: actions/answer_forms.py maps a ``Step`` onto Rasa's form.

Every turn is read in the same order, at every question and at the read-back:
1. stopping ("stop", "cancel this please", "forget it"): the form ends, nothing is kept;
2. starting again, or going back one question;
3. a change of mind the form understands (``FormSpec.change_of_mind``: mediation or the
   certificate, switched at any step);
4. a question or a request that is not an answer (one list of intents, ``INTERRUPTIONS``,
   or a message that reads as a question): the form steps aside, the rules answer, and
   the form asks again;
5. the answer itself (``FormSpec.read``), with any correction said with it; an answer
   that cannot be used is said to be so, and after ``GIVE_UP_AFTER`` such answers the
   form stops and offers a person.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from bot.dialogue.answers import Reading

GIVE_UP_AFTER = 3
CONFIRMED = "confirmed"

# Kinds of message that are questions or requests, not answers, at every step of every form.
INTERRUPTIONS = frozenset(
    {
        "faq_mediation",
        "faq_certificate",
        "faq_drs",
        "faq_tribunal",
        "faq_recommendations",
        "faq_complaints",
        "faq_ehc",
        "faq_scope",
        "ask_plan_section",
        "ask_staffed_hours",
        "bot_challenge",
        "legal_other",
        "request_human",
        "goodbye",
        "ask_local_help",
        "unsure_which_route",
        "safeguarding_risk",
    }
)

_POLITE = r"(?:please|now|thanks|thank you|then|ok|okay|right|actually|sorry|just|all)"
STOP = re.compile(
    rf"^\s*(?:(?:{_POLITE}|no|oh|um+|er+m?)[,.! ]+)*(?:i (?:want|would like|'d like) to |can (?:we|you|i) |let'?s )?"
    r"(?:stop|cancel|quit|abandon|end|exit|scrap|forget)"
    r"(?:\s+(?:it|this|that|the (?:form|request|check|questions?|whole thing|certificate|mediation request)|"
    r"everything|all (?:of )?this|here))?"
    rf"(?:[,.! ]+{_POLITE})*[.! ]*$"
    r"|^\s*(?:forget it|never ?mind|i don'?t want to (?:do this|carry on|continue|go on)(?: any ?more)?|"
    r"i'?ve had enough|i want to stop|leave it|don'?t bother)[.! ]*$"
)
RESTART = re.compile(r"\b(?:start (?:again|over|afresh)|restart|from the (?:start|beginning|top))\b")
BACK = re.compile(
    r"^\s*(?:(?:sorry|oops|wait|hang on|actually|no)[,.! ]+)*(?:can we |can i |let'?s |please )?"
    r"(?:go back(?: one| a (?:step|question)| to the (?:last|previous) question)?|back one|previous question|"
    r"undo(?: that)?|back)(?:[,.! ]+please)?[.! ]*$"
)
_QUESTION = re.compile(r"\?\s*$|^\s*(what|how|why|who|when|where|which|can|could|do|does|is|are|should|will|would)\b")

STOPPED = "OK, I've stopped. Nothing has been sent or issued, and the answers you gave are not kept."
STARTING_AGAIN = "OK, let's start again."
GOING_BACK = "OK, back one question."
DID_NOT_CATCH = "Sorry, I didn't catch that."
GIVE_UP = "Sorry, I'm having trouble with that. A person from our team can help: just say 'talk to a person'."


def clean(text: Optional[str]) -> str:
    return " ".join((text or "").lower().replace("’", "'").split())


def looks_like_question(text: Optional[str]) -> bool:
    return bool(text and _QUESTION.search(clean(text)))


def interruption(text: Optional[str], intent: Optional[str]) -> Optional[str]:
    """'stop', 'restart', 'back', or None: the kinds every form understands at every step."""
    lowered = clean(text)
    if not lowered:
        return None
    clauses = [clause.strip() for clause in re.split(r"[,.!;]+|\band\b", lowered) if clause.strip()]
    if STOP.search(lowered) or (
        clauses
        and any(STOP.search(clause) for clause in clauses)
        and all(
            STOP.search(clause) or re.fullmatch(rf"(?:{_POLITE}|no|oh|sorry)(?: {_POLITE})*", clause)
            for clause in clauses
        )
    ):
        return "stop"
    if RESTART.search(lowered) and len(lowered.split()) <= 8:
        return "restart"
    if BACK.search(lowered):
        return "back"
    return None


@dataclass
class Turn:
    """One message to a form: the text, the model's intent, the answer asked for (a fact,
    ``CONFIRMED`` for the read-back, or None when the form is starting), the answers so far,
    whether they were confirmed, and how many unusable answers came before."""

    text: str
    intent: Optional[str]
    asking: Optional[str]
    facts: Dict[str, object]
    confirmed: bool = False
    attempts: int = 0
    correcting: bool = False


@dataclass
class Step:
    """What the form does with a turn.

    updates: facts to set (None clears one); say: what to say before the next question;
    confirmed / correcting: the read-back's state after the turn; attempts: unusable answers
    in a row; next: the next fact to ask, ``CONFIRMED``, or None when the form ends;
    step_aside: not an answer (nothing is kept, the rules answer, then the form asks again);
    stopped: the person stopped (the form ends, nothing is kept); gave_up: too many unusable
    answers (the form ends and a person is offered).
    """

    updates: Dict[str, object] = field(default_factory=dict)
    say: List[str] = field(default_factory=list)
    confirmed: bool = False
    correcting: bool = False
    attempts: int = 0
    next: Optional[str] = None
    step_aside: bool = False
    stopped: bool = False
    gave_up: bool = False
    ended: bool = False  # the answers ended the form (``FormSpec.ends_with``): said why, nothing more asked


class FormSpec(ABC):
    """A form: which questions its answers need, and how an answer is read."""

    #: the facts, in the order the questions are asked (for "go back" and "start again")
    facts_in_order: tuple = ()
    #: answers taken as the person's own words: a question there is never the answer
    free_text: frozenset = frozenset()
    #: said when the form gives up after GIVE_UP_AFTER unusable answers
    give_up: str = GIVE_UP

    @abstractmethod
    def questions_needed(self, facts: Dict[str, object]) -> List[str]:
        """The facts these answers need, in the order they are asked."""

    @abstractmethod
    def read(self, text: str, asking: Optional[str], facts: Dict[str, object]) -> Reading:
        """The answer in one message (and any correction said with it)."""

    def is_not_an_answer(self, text: str, asking: Optional[str]) -> bool:
        return looks_like_question(text)

    def change_of_mind(self, text: str, asking: Optional[str], facts: Dict[str, object]) -> Optional[Reading]:
        """A change of mind this form understands at any step (None when there is none)."""
        return None

    def next_question(self, facts: Dict[str, object]) -> Optional[str]:
        return next((fact for fact in self.questions_needed(facts) if facts.get(fact) is None), None)

    def ends_with(self, facts: Dict[str, object]) -> Optional[str]:
        """What to say when these answers end the form at once (e.g. the person lives outside
        England: brief section 8), or None. The answers are kept, nothing more is asked."""
        return None


def _next(spec: FormSpec, facts: Dict[str, object], confirmed: bool) -> Optional[str]:
    fact = spec.next_question(facts)
    if fact:
        return fact
    return None if confirmed else CONFIRMED


def _merged(facts: Dict[str, object], updates: Dict[str, object]) -> Dict[str, object]:
    merged = dict(facts)
    for fact, value in updates.items():
        if value is None:
            merged.pop(fact, None)
        else:
            merged[fact] = value
    return merged


def take_turn(spec: FormSpec, turn: Turn) -> Step:
    """Read one message to a form (see the module's docstring for the order)."""
    text, asking, facts = turn.text or "", turn.asking, dict(turn.facts)
    kind = interruption(text, turn.intent) if asking is not None else None
    if kind == "stop":
        cleared: Dict[str, object] = {fact: None for fact in facts}
        return Step(updates=cleared, say=[STOPPED], stopped=True, next=None)
    if kind == "restart":
        restarted: Dict[str, object] = {fact: None for fact in facts}
        return Step(updates=restarted, say=[STARTING_AGAIN], next=_next(spec, {}, False))
    if kind == "back":
        needed = spec.questions_needed(facts)
        answered = [fact for fact in needed if facts.get(fact) is not None]
        before = (
            answered
            if asking == CONFIRMED or asking not in needed
            else [fact for fact in needed[: needed.index(asking)] if facts.get(fact) is not None]
        )
        updates = {before[-1]: None} if before else {}  # type: Dict[str, object]
        merged = _merged(facts, updates)
        return Step(updates=updates, say=[GOING_BACK], next=_next(spec, merged, False))

    reading = spec.change_of_mind(text, asking, facts) if asking is not None else None
    if reading is None and asking in spec.free_text and spec.is_not_an_answer(text, asking):
        return Step(
            step_aside=True,
            confirmed=turn.confirmed,
            attempts=turn.attempts,
            correcting=turn.correcting,
            next=_next(spec, facts, turn.confirmed),
        )
    if reading is None:
        reading = spec.read(text, asking, facts)
        if (
            asking is not None
            and not reading.updates
            and reading.confirmed is None
            and not reading.answered
            and (turn.intent in INTERRUPTIONS or spec.is_not_an_answer(text, asking))
        ):
            return Step(
                step_aside=True,
                confirmed=turn.confirmed,
                attempts=turn.attempts,
                correcting=turn.correcting,
                next=_next(spec, facts, turn.confirmed),
            )

    step = Step(
        updates=dict(reading.updates),
        say=list(reading.notes),
        confirmed=turn.confirmed,
        attempts=turn.attempts,
        correcting=turn.correcting,
    )
    merged = _merged(facts, reading.updates)
    ending = spec.ends_with(merged)
    if ending is not None:
        step.say = [ending]
        step.confirmed, step.attempts, step.correcting, step.next, step.ended = False, 0, False, None, True
        return step
    if reading.updates:
        step.confirmed, step.attempts, step.correcting = False, 0, False
    if reading.confirmed is True:
        step.confirmed, step.correcting = True, False
    elif reading.confirmed is False:
        step.correcting = True
    unusable = reading.problem is not None or (not reading.updates and reading.confirmed is None)
    if unusable and asking is not None:
        step.attempts = turn.attempts + 1
        if step.attempts >= GIVE_UP_AFTER:
            step.say.append(spec.give_up)
            step.gave_up = True
            step.next = None
            return step
        step.say.append(reading.problem or DID_NOT_CATCH)
    step.next = _next(spec, merged, step.confirmed)
    return step


def owns(spec: FormSpec, turn: Turn) -> bool:
    """Whether a message is the form's to read, whatever the NLU model took it for: stop,
    start again, go back, a change of mind, or an answer to the question asked (a question
    is never the form's: the rules answer it, then the form asks again)."""
    if turn.asking is None or not turn.text.strip():
        return False
    if interruption(turn.text, turn.intent) or spec.change_of_mind(turn.text, turn.asking, turn.facts) is not None:
        return True
    if turn.asking in spec.free_text or spec.is_not_an_answer(turn.text, turn.asking):
        return False  # the person's own words: the model's reading of them stands
    reading = spec.read(turn.text, turn.asking, turn.facts)
    if turn.intent in ("request_human", "goodbye"):
        # "No, I want to talk to a person" at the read-back is not a "no" to correct.
        return bool(reading.updates) or reading.answered
    return bool(reading.updates) or reading.confirmed is not None or reading.answered
