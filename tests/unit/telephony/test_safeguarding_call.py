"""A safeguarding turn on the phone: the assistant's safety messages are spoken, then an urgent transfer.

Rasa is played by a small local HTTP server answering as the trained assistant does
(the REST channel's messages, and a tracker whose last action is the safeguarding one).
"""
import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support.telephony import ALWAYS_CLOSED, MEDIATORS

SAFETY = "If a child is in immediate danger, call 999. You can also call children's social care."


@pytest.fixture
def fake_rasa():
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, payload):
            body = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._send([{"recipient_id": "x", "text": SAFETY}])

        def do_GET(self):  # noqa: N802
            self._send({"events": [{"event": "user", "text": "he hits me"},
                                   {"event": "action", "name": "action_escalate_safeguarding"},
                                   {"event": "bot", "text": SAFETY}],
                        "latest_message": {"intent": {"name": "safeguarding_risk"}, "entities": []},
                        "slots": {"local_authority": "Kent"}})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


CALL = {"CallSid": "CA" + "2" * 32, "From": "+447700900123", "To": "+441632960000"}


def test_in_staffed_hours_the_safety_messages_come_first_then_an_urgent_transfer(twilio, fake_rasa):
    poster = twilio(RASA_URL=fake_rasa)
    root = ET.fromstring(poster.post("/telephony/voice?step=turn", dict(CALL, SpeechResult="he hits me")).text)
    says = [say.text for say in root.findall("Say")]
    assert "999" in says[0] and says[-1].startswith("I'm putting you through")
    assert [n.text for n in root.find("Dial").findall("Number")] == MEDIATORS[:1]  # one at a time, in order
    import sqlalchemy as sa
    from bot.settings import get_settings
    engine = sa.create_engine(get_settings().database_url, future=True)
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT reason, priority, local_authority FROM escalations")).one()
    engine.dispose()
    assert tuple(row) == ("safeguarding", "urgent", "Kent")


def test_out_of_hours_the_safety_messages_come_first_then_a_callback_offer(twilio, fake_rasa):
    poster = twilio(RASA_URL=fake_rasa, STAFFED_HOURS=ALWAYS_CLOSED)
    root = ET.fromstring(poster.post("/telephony/voice?step=turn", dict(CALL, SpeechResult="he hits me")).text)
    says = [say.text for say in root.iter("Say")]
    assert "999" in says[0] and "children's social care" in says[0]
    assert any("call you back" in say for say in says)
    assert root.find("Dial") is None
