"""One turn with the assistant (Rasa) for the phone line and SMS, and what the tracker says about it."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot.conversations.rasa_client import RasaClient
from bot.conversations.turn_events import newest_turn
from bot.nlp.patterns import find_local_authority, find_local_authority_in

log = logging.getLogger(__name__)

# The assistant's actions that hand a conversation to a person (actions/handoff.py,
# actions/safeguarding.py). They send a bot message with custom {"handoff": {"reason",
# "priority", "category", "language"}}; an older model sent none, so the tracker tells us too.
HANDOFF_ACTIONS = {
    "action_request_human": "person_requested",
    "action_escalate_safeguarding": "safeguarding",
    "action_safeguarding_escalation": "safeguarding",
}
NOT_UNDERSTOOD_ACTIONS = {"action_default_fallback", "utter_default"}


@dataclass
class Turn:
    messages: List[Dict[str, Any]]
    handoff_reason: Optional[str] = None
    # Safeguarding: the kind of concern (bot.handoff.models.CATEGORIES); anyone: the
    # language they wrote in when not English (custom.handoff, or the detector's parse data).
    handoff_category: Optional[str] = None
    handoff_language: Optional[str] = None
    # The safeguarding detector's category for the person's message, whether or not the
    # assistant acted on it (it does not while a person holds the conversation: Rasa is paused).
    disclosure: Optional[str] = None
    not_understood: bool = False
    topic: Optional[str] = None
    local_authority: Optional[str] = None
    tracker: Dict[str, Any] = field(default_factory=dict)


def _events_since_last_user(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    events = tracker.get("events") or []
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            return events[index + 1 :]
    return events


def last_bot_messages(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    """What the assistant said after the caller's last turn, as REST-channel messages."""
    messages = []
    for event in _events_since_last_user(tracker):
        if event.get("event") == "bot":
            data = event.get("data") or {}
            message = {"text": event.get("text")}
            if data.get("buttons"):
                message["buttons"] = data["buttons"]
            if data.get("custom"):
                message["custom"] = data["custom"]
            messages.append(message)
    return messages


def pending_buttons(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    buttons: List[Dict[str, Any]] = []
    for message in last_bot_messages(tracker):
        buttons = message.get("buttons") or buttons
    return buttons


def read_turn(messages: List[Dict[str, Any]], tracker: Dict[str, Any]) -> Turn:
    turn = Turn(messages=messages, tracker=tracker)
    since_user = _events_since_last_user(tracker)
    signals = [message.get("custom") for message in messages]
    signals += [(event.get("data") or {}).get("custom") for event in since_user if event.get("event") == "bot"]
    for custom in signals:
        if isinstance(custom, dict) and isinstance(custom.get("handoff"), dict):
            _read_handoff(turn, custom["handoff"])
    for event in since_user:
        name = event.get("name")
        if event.get("event") == "action" and name in HANDOFF_ACTIONS:
            # Safeguarding outranks a plain request for a person.
            if turn.handoff_reason != "safeguarding":
                turn.handoff_reason = HANDOFF_ACTIONS[name]
        if event.get("event") == "action" and name in NOT_UNDERSTOOD_ACTIONS:
            turn.not_understood = True
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == "utter_default":
            turn.not_understood = True
    latest = tracker.get("latest_message") or {}
    # The detector's reading of every message (bot.nlp.components.SafeguardingDetector): a
    # disclosure when something raised the alarm ("by": words, classifier, intent); its
    # scores alone ("by": [], no category) are not one.
    found = latest.get("safeguarding")
    if isinstance(found, dict) and (found.get("by") or found.get("category")):
        turn.disclosure = found.get("category") if isinstance(found.get("category"), str) else "risk_to_life"
    if turn.handoff_reason == "safeguarding" and not turn.handoff_category:
        turn.handoff_category = turn.disclosure
    intent = (latest.get("intent") or {}).get("name")
    # An answer to a form's question ("Kent", "he is nine") is often not classified
    # confidently, but the form read it: that is understood.
    answered_a_form = any(
        event.get("event") == "action" and str(event.get("name", "")).endswith("_form") for event in since_user
    )
    if intent == "nlu_fallback" and not answered_a_form:
        turn.not_understood = True
    elif intent and not intent.startswith(("greet", "goodbye", "thanks", "affirm", "deny")):
        turn.topic = intent.replace("_", " ")
    slots = tracker.get("slots") or {}
    value = slots.get("local_authority") or next(
        (entity.get("value") for entity in latest.get("entities") or [] if entity.get("entity") == "local_authority"),
        None,
    )
    if isinstance(value, list):
        value = value[-1] if value else None
    # A council's own name only: anything else in the slot or entity (a sentence with a name and
    # a number in it) reaches no summary, spoken whisper or console page (issue 20).
    found = (find_local_authority(value) or find_local_authority_in(value[:200])) if isinstance(value, str) else None
    turn.local_authority = found.name if found else None
    return turn


def _read_handoff(turn: Turn, handoff: Dict[str, Any]) -> None:
    """One handoff signal; safeguarding outranks a plain request, and what it knows is kept."""
    reason = handoff.get("reason") if isinstance(handoff.get("reason"), str) else None
    reason = reason or "person_requested"
    if turn.handoff_reason != "safeguarding" or reason == "safeguarding":
        turn.handoff_reason = reason
    category = handoff.get("category")
    if reason == "safeguarding" and isinstance(category, str) and category:
        turn.handoff_category = category
    language = handoff.get("language")
    if isinstance(language, str) and language.strip():
        turn.handoff_language = language.strip()


async def converse(client: RasaClient, sender: str, text: str, channel: str, can_text: Optional[bool] = None) -> Turn:
    """Send one user turn and read what followed it (bot.conversations.turn_events) for handoffs and failures.

    ``can_text``: on a call, whether the caller's number can take a text (not withheld);
    the assistant's actions read it from the metadata. No number goes to Rasa."""
    metadata: Dict[str, Any] = {"channel": channel}
    if can_text is not None:
        metadata["can_text"] = can_text
    started = time.time()
    try:
        messages = await client.send_message(sender, text, metadata=metadata)
    except Exception:
        await _keep_unanswered_turn(client, sender, text, channel, started)
        raise
    try:
        # Only the turn just taken, from the events table: not the whole tracker from Rasa.
        tracker = await newest_turn(client, sender)
    except Exception as error:  # noqa: BLE001 - the answer still stands without the tracker
        log.warning("telephony: could not read the tracker of %s: %s", sender, error)
        tracker = {}
    return read_turn(messages, tracker)


async def _keep_unanswered_turn(client: RasaClient, sender: str, text: str, channel: str, started: float) -> None:
    """Rasa drops a turn it could not finish when we stop waiting (a hung action server): record it."""
    try:
        tracker = await client.tracker(sender)
        if any(
            event.get("event") == "user" and event.get("text") == text and event.get("timestamp", 0) >= started - 1
            for event in tracker.get("events") or []
        ):
            return  # Rasa kept it (e.g. the action server was down, not hung)
        parse_data = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.0}, "entities": []}
        await client.append_events(
            sender,
            [
                {
                    "event": "user",
                    "text": text,
                    "parse_data": parse_data,
                    "metadata": {"channel": channel, "unanswered": True},
                }
            ],
        )
    except Exception as error:  # noqa: BLE001 - Rasa itself is down: our own record has the turn
        log.warning("could not record the unanswered turn of %s in Rasa: %s", sender, error)


def summary_of(turn: Optional[Turn], reason: str, channel: str) -> str:
    """A short summary for staff, with no personal details (no names, numbers or free text)."""
    what = {
        "person_requested": "asked for a person",
        "safeguarding": "may be at risk (safeguarding)",
        "repeated_failure": "was not understood several times",
        "voicemail": "left a voicemail",
        "callback": "asked for a callback",
    }.get(reason, reason)
    parts = [f"{'Caller' if channel == 'voice' else 'Texter'} {what}."]
    if turn and turn.topic:
        parts.append(f"Last topic: {turn.topic}.")
    if turn and turn.local_authority:
        parts.append(f"Council: {turn.local_authority}.")
    return " ".join(parts)
