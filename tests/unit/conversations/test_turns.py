"""Reading a turn: handoffs and failures from the Rasa tracker or a custom payload."""
from bot.conversations.turns import last_bot_messages, pending_buttons, read_turn, summary_of


def tracker(*events, intent="ask_mediation", slots=None):
    return {"events": list(events), "latest_message": {"intent": {"name": intent}, "entities": []}, "slots": slots or {}}


USER = {"event": "user", "text": "I want to talk to someone"}


def test_a_handoff_action_after_the_last_user_turn_is_a_transfer():
    old = {"event": "action", "name": "action_request_human"}
    turn = read_turn([], tracker(old, USER, {"event": "action", "name": "action_listen"}))
    assert turn.handoff_reason is None  # an earlier handoff does not count again
    turn = read_turn([], tracker(USER, {"event": "action", "name": "action_request_human"}))
    assert turn.handoff_reason == "person_requested"
    turn = read_turn([], tracker(USER, {"event": "action", "name": "action_request_human"},
                                 {"event": "action", "name": "action_escalate_safeguarding"}))
    assert turn.handoff_reason == "safeguarding"


def test_a_custom_handoff_payload_is_a_transfer():
    turn = read_turn([{"text": "Putting you through", "custom": {"handoff": {"reason": "safeguarding"}}}], {})
    assert turn.handoff_reason == "safeguarding"


def test_fallbacks_count_as_not_understood():
    assert read_turn([], tracker(USER, intent="nlu_fallback")).not_understood
    bot = {"event": "bot", "text": "Sorry", "metadata": {"utter_action": "utter_default"}}
    assert read_turn([], tracker(USER, bot, intent="greet")).not_understood
    assert not read_turn([], tracker(USER, intent="ask_mediation")).not_understood


def test_buttons_and_last_messages_come_from_after_the_last_user_turn():
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    events = [{"event": "bot", "text": "old", "data": {"buttons": [{"title": "Old"}]}}, USER,
              {"event": "bot", "text": "Shall I?", "data": {"buttons": buttons}}]
    assert pending_buttons({"events": events}) == buttons
    assert last_bot_messages({"events": events}) == [{"text": "Shall I?", "buttons": buttons}]


def test_the_summary_names_the_topic_and_council_but_nothing_personal():
    turn = read_turn([], tracker(USER, intent="ask_mediation_certificate", slots={"local_authority": "Kent"}))
    assert summary_of(turn, "person_requested", "voice") == (
        "Caller asked for a person. Last topic: ask mediation certificate. Council: Kent.")
