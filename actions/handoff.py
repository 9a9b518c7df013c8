"""Talking to a person: recognise the request, acknowledge it, say when someone is there.

``request_escalation`` is the one place where a conversation is handed to a person;
every caller (this action, safeguarding) goes through it. The assistant does not
store the escalation itself: the channel that carries the conversation does, once,
with what it knows (the web chat: bot/webchat/relay.py and bot.webchat.live; the
phone line and SMS: telephony/web.py). They read the handoff from the bot message
this adds, ``custom: {"handoff": {"reason", "priority"}}`` (bot.conversations.turns.read_turn).
"""

import hashlib
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import BotUttered, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.hours import ActionStaffedHours
from bot import limits
from bot.database import session_scope
from bot.handoff.models import REASONS, record_unrelayed_handoff

logger = logging.getLogger(__name__)
# What callers may say for a reason, in the words of bot.handoff.models.REASONS.
REASON_WORDS = {"asked for a person": "person_requested", "person": "person_requested"}


def handoff_reason(reason: Text) -> Text:
    """The escalation reason for `reason` (one of REASONS; a person was asked for if it is not known)."""
    reason = (reason or "").strip()
    if reason in REASONS:
        return reason
    return REASON_WORDS.get(reason.lower(), "person_requested")


def log_reference(conversation_id: Text) -> Text:
    """A short reference to a conversation for the log, ``#`` and 8 hex characters (SHA-256).

    Never the conversation id itself: a web chat's id is its secret key (``web-...``), and
    whoever holds it can read and write the chat. The same id always gives the same reference,
    so the log lines of one conversation can still be put together.
    """
    return "#" + hashlib.sha256(str(conversation_id or "").encode()).hexdigest()[:8]


def request_escalation(
    tracker: Tracker,
    reason: Text,
    urgent: bool = False,
    category: Optional[Text] = None,
    language: Optional[Text] = None,
) -> List[EventType]:
    """Ask for a person to take over this conversation. THE single escalation point.

    Returns the events that say so: the ``handoff_reason`` slot (the transcript shows
    it) and a bot message with nothing to show and ``custom: {"handoff": {"reason":
    ..., "priority": "urgent" | "normal", "category": ..., "language": ...}}``, which Rasa
    sends to the channel with the turn's other messages. Safeguarding is always urgent;
    ``category`` is its kind (bot.safeguarding.CATEGORIES); ``language`` names the language
    of someone writing in another one, so staff can arrange an interpreter.
    """
    code = handoff_reason(reason)
    if not urgent and str(tracker.get_slot("handoff_reason") or "").endswith("(urgent)"):
        # Asked for a person after a disclosure in this conversation: still urgent, never
        # a second request that waits behind the urgent one as normal.
        urgent = True
    language = language or tracker.get_slot("language")
    priority = "urgent" if urgent or code == "safeguarding" else "normal"
    logger.warning(
        "escalation requested: conversation=%s reason=%s priority=%s", log_reference(tracker.sender_id), code, priority
    )
    # Not the web app's channels: limited like the web chat's requests (bot.limits), all REST
    # callers together (Rasa's REST channel is reached from this host only; the sender id is theirs to choose).
    if _on_rasa_rest_channel(tracker) and (
        priority == "urgent" or not limits.source_wait("escalation", "rasa-rest-channel")
    ):
        try:
            with session_scope() as session:
                record_unrelayed_handoff(session, tracker.sender_id, code, priority, category, language)
        except Exception:  # noqa: BLE001 - the person is still answered; the failure is logged
            logger.exception("escalation requested on the REST channel could not be stored")
    return [
        SlotSet("handoff_reason", f"{reason} (urgent)" if urgent else reason),
        BotUttered(
            data={
                "custom": {
                    "handoff": {"reason": code, "priority": priority, "category": category, "language": language}
                }
            },
            metadata={"handoff": True},
        ),
    ]


def _on_rasa_rest_channel(tracker: Tracker) -> bool:
    """True when the latest message came straight to Rasa's REST channel, not through the web app
    (whose web chat, phone line and SMS name their channel in each message's metadata and store
    the handoff themselves): then nothing else would put the handoff in the staff queue."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return not (event.get("metadata") or {}).get("channel")
    return False


class ActionRequestHuman(Action):
    def name(self) -> Text:
        return "action_request_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_request_human")
        # When a mediator is available: the staffed-hours answer, reused as it is.
        events = ActionStaffedHours().run(dispatcher, tracker, domain)
        return events + request_escalation(tracker, "asked for a person")
