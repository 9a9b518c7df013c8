"""Someone writing in another language: simple English on how to reach a person, and a
button that works; the language (when it can be named) goes with the escalation, so staff
can arrange an interpreter (bot.knowledge.languages)."""

import threading
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge import texts
from bot.knowledge.languages import language_name

LANGUAGE_SLOT = "language"


def _warm_up() -> None:
    language_name("dzień dobry")  # loads the language models (a few seconds) before anyone needs them


threading.Thread(target=_warm_up, name="language-models", daemon=True).start()


class ActionNonEnglish(Action):
    def name(self) -> Text:
        return "action_non_english"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        language = language_name((tracker.latest_message or {}).get("text"))
        dispatcher.utter_message(text=texts.ENGLISH_ONLY, buttons=[dict(texts.PERSON_BUTTON)])
        return [SlotSet(LANGUAGE_SLOT, language)] if language else []
