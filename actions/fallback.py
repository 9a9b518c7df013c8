"""When the model is unsure: never guess. Safety first, then the likely questions to choose from.

Rasa's two-stage fallback calls this action first (in place of "Did you mean
'intent'?"): it offers the two or three questions the person most likely meant, as
buttons (read out as keypad choices on the phone, numbered options by SMS), plus
"Something else" (Rasa then asks them to rephrase) and "Talk to a person". A button sends
its question as if typed, so the answer is the one offered. A second unclear message ends
in `utter_default`, which offers a person.
"""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.safeguarding import stop_for_safeguarding
from bot.knowledge import texts
from bot.knowledge.input_checks import classify_input, reply_for
from bot.knowledge.labels import unsure_message
from bot.knowledge.local_help import find_council_in_text
from bot.knowledge.questions import likely_questions

# A safeguarding intent this likely is treated as real, even below the fallback threshold.
SAFEGUARDING_MIN_CONFIDENCE = 0.2
# A short message naming a council the entity ruler recognised ("Kent", "we're in
# Kent") is an answer about where the person lives, however unsure the classifier is.
MAX_WORDS_FOR_A_SHORT_ANSWER = 6


def _names_a_council(tracker: Tracker) -> bool:
    text = tracker.latest_message.get("text") or ""
    entities = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == "local_authority"]
    return bool(entities) and len(text.split()) <= MAX_WORDS_FOR_A_SHORT_ANSWER and bool(find_council_in_text(text))


def _names_a_plan_section(tracker: Tracker) -> bool:
    """A short message naming a section of the plan ("what about H2?") asks about that section."""
    text = tracker.latest_message.get("text") or ""
    return len(text.split()) <= MAX_WORDS_FOR_A_SHORT_ANSWER and any(
        e.get("entity") == "ehc_section" for e in tracker.latest_message.get("entities", [])
    )


def _best_guess(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    for candidate in tracker.latest_message.get("intent_ranking", []):
        if candidate.get("name") != "nlu_fallback":
            return candidate
    return None


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text")
        guess = _best_guess(tracker)
        # Risk words are caught before this (actions/input_guard.py); here the model's own
        # guess counts too, even below the fallback threshold.
        if (
            guess
            and guess.get("name") == "safeguarding_risk"
            and guess.get("confidence", 0) >= SAFEGUARDING_MIN_CONFIDENCE
        ):
            return stop_for_safeguarding()
        if _names_a_council(tracker):
            return [FollowupAction("action_local_help")]
        if _names_a_plan_section(tracker):
            return [FollowupAction("action_explain_section")]
        kind = classify_input(text)
        if kind:
            dispatcher.utter_message(text=reply_for(kind))
            return []
        message = tracker.latest_message or {}
        selector = (message.get("response_selector") or {}).get("default") or {}
        choices = likely_questions(message.get("intent_ranking") or [], selector.get("ranking") or [])
        if not choices:
            dispatcher.utter_message(text=unsure_message(guess.get("name") if guess else None))
            return []
        dispatcher.utter_message(
            text=texts.DID_YOU_MEAN,
            buttons=[{"title": title, "payload": payload} for title, payload in choices]
            + [dict(texts.SOMETHING_ELSE_BUTTON), dict(texts.PERSON_BUTTON)],
        )
        return []


class ActionLongMessage(Action):
    """Over 2,000 characters (see actions/input_guard.py): ask for one question at a time."""

    def name(self) -> Text:
        return "action_long_message"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=reply_for("too_long"))
        # Nothing else is said: the model's guess at a long message is not trusted.
        return [FollowupAction("action_listen")]
