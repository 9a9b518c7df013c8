"""A local HTTP server that speaks Twilio's REST API (Messages and Calls), for tests.

Point the product at it with TWILIO_API_BASE_URL=stub.url. Every request is recorded;
failures are programmed per request:

    stub.fail_next(500)                          # plain server error
    stub.fail_next(429, code=20429, message="Too Many Requests")
    stub.fail_next(400, code=21211, message="The 'To' number is not a valid phone number.")

and, for the next message sent (POST Messages.json), the faults a network has, where the
sender cannot tell whether Twilio took the message:

    stub.time_out_next(accepted=True)    # keeps the message (as Twilio would), answers too late
    stub.time_out_next(accepted=False)   # hangs before taking it
    stub.drop_next(accepted=True)        # keeps the message, closes the connection unanswered

Accepted messages can be listed as Twilio lists them (GET Messages.json with To, From
and DateSent filters, newest first, in pages); `texts_to(number)` is what that person got.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import uuid
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Iterable, List, Optional, Tuple
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass
class RecordedRequest:
    method: str
    path: str
    form: Dict[str, str]
    auth: Tuple[str, str]
    status: int
    answered: bool = True  # False: the connection timed out or was dropped before the answer


# What the next message POST does instead of answering at once: (hang or drop, accepted).
NetworkFault = Tuple[str, bool]


@dataclass
class TwilioStub:
    account_sid: str = "AC" + "0" * 32
    auth_token: str = "stub-auth-token"
    requests: List[RecordedRequest] = field(default_factory=list)
    # How long a timed-out request hangs (longer than the client waits; ends when the stub stops).
    hang_seconds: float = 5.0
    _failures: List[Tuple[int, Optional[int], str]] = field(default_factory=list)
    _faults: List[NetworkFault] = field(default_factory=list)
    _stored: List[Dict] = field(default_factory=list)  # accepted messages, as Twilio keeps them
    _server: Optional[ThreadingHTTPServer] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        assert self._server
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, status: int, code: Optional[int] = None, message: str = "Internal Server Error") -> None:
        with self._lock:
            self._failures.append((status, code, message))

    def time_out_next(self, accepted: bool) -> None:
        """The next message POST hangs past the client's timeout, having kept the message or not."""
        with self._lock:
            self._faults.append(("hang", accepted))

    def drop_next(self, accepted: bool) -> None:
        """The next message POST gets no answer: the connection is closed, the message kept or not."""
        with self._lock:
            self._faults.append(("drop", accepted))

    def messages(self) -> List[RecordedRequest]:
        """Messages accepted (201, whether or not the answer got back), in order."""
        return [r for r in self.requests if r.path.endswith("/Messages.json") and r.method == "POST"
                and r.status == 201]

    def texts_to(self, number: str) -> List[str]:
        """The bodies of the texts Twilio took for this number: what the person receives."""
        return [r.form.get("Body", "") for r in self.messages() if r.form.get("To") == number]

    def start(self, ports: Optional[Iterable[int]] = None) -> "TwilioStub":
        """Listen on 127.0.0.1: the first free port of `ports`, or any free port."""
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {key: values[-1] for key, values in parse_qs(raw, keep_blank_values=True).items()}
                stub._handle(self, "POST", form)

            def do_GET(self) -> None:  # noqa: N802
                stub._handle(self, "GET", {})

        for port in ports or (0,):
            try:
                self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise OSError(f"no free port in {ports!r}")
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hanging requests
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler, method: str, form: Dict[str, str]) -> None:
        path = urlsplit(handler.path).path
        auth = ("", "")
        header = handler.headers.get("Authorization", "")
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            auth = (user, password)
        query = {key: values[-1] for key, values in parse_qs(urlsplit(handler.path).query).items()}
        form = form or query  # a GET's filters are recorded (and read) like a POST's form
        fault = self._take_fault(path, method, auth)
        if fault and not fault[1]:  # hangs or drops before Twilio takes the message
            with self._lock:
                self.requests.append(RecordedRequest(method, path, form, auth, 0, answered=False))
            self._misbehave(handler, fault[0])
            return
        status, payload = self._respond(path, method, form, auth)
        with self._lock:
            self.requests.append(RecordedRequest(method, path, form, auth, status, answered=fault is None))
        if fault:  # taken and kept, but the answer never arrives
            self._misbehave(handler, fault[0])
            return
        body = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _take_fault(self, path: str, method: str, auth: Tuple[str, str]) -> Optional[NetworkFault]:
        if method != "POST" or not path.endswith("/Messages.json") or auth != (self.account_sid, self.auth_token):
            return None
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def _misbehave(self, handler: BaseHTTPRequestHandler, how: str) -> None:
        if how == "hang":
            self._stopping.wait(self.hang_seconds)
        handler.close_connection = True  # no status line: the client sees the connection end

    def _respond(self, path: str, method: str, form: Dict[str, str], auth: Tuple[str, str]):
        prefix = f"/2010-04-01/Accounts/{self.account_sid}/"
        if auth != (self.account_sid, self.auth_token):
            return 401, _error(401, 20003, "Authenticate")
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure:
            status, code, message = failure
            return status, _error(status, code, message)
        if not path.startswith(prefix):
            return 404, _error(404, 20404, "The requested resource was not found")
        resource = path[len(prefix):]
        if resource == "Messages.json" and method == "POST":
            if not form.get("To") or not (form.get("Body") or form.get("MediaUrl")):
                return 400, _error(400, 21604, "A 'To' phone number and a 'Body' are required.")
            sid = "SM" + uuid.uuid4().hex
            now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            stored = {"sid": sid, "to": form["To"], "from": form.get("From"), "body": form.get("Body"),
                      "created": now}
            with self._lock:
                self._stored.append(stored)
            return 201, self._message_json(stored, sent=False)
        if resource == "Messages.json" and method == "GET":
            return 200, self._list_messages(form)
        if resource == "Calls.json" and method == "POST":
            sid = "CA" + uuid.uuid4().hex
            return 201, {
                "sid": sid, "account_sid": self.account_sid, "to": form.get("To"), "from": form.get("From"),
                "status": "queued", "direction": "outbound-api", "api_version": "2010-04-01",
                "uri": f"{prefix}Calls/{sid}.json",
            }
        return 404, _error(404, 20404, "The requested resource was not found")

    def _message_json(self, stored: Dict, sent: bool) -> Dict:
        """A Message resource: just created ("queued"), or as listed later (sent, with date_sent)."""
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{stored['sid']}.json"
        return {
            "sid": stored["sid"], "account_sid": self.account_sid, "to": stored["to"], "from": stored["from"],
            "body": stored["body"], "status": "sent" if sent else "queued", "num_segments": "1", "num_media": "0",
            "direction": "outbound-api", "api_version": "2010-04-01", "messaging_service_sid": None,
            "date_created": format_datetime(stored["created"]), "date_updated": format_datetime(stored["created"]),
            "date_sent": format_datetime(stored["created"]) if sent else None,
            "uri": uri, "error_code": None, "error_message": None, "price": None, "price_unit": "GBP",
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
        }

    def _list_messages(self, query: Dict[str, str]) -> Dict:
        """GET Messages.json: To, From, DateSent (=, <, >; a date or a date and time); newest first."""
        after, before, on = (_parse_date(query.get(key)) for key in ("DateSent>", "DateSent<", "DateSent"))

        def wanted(stored: Dict) -> bool:
            sent = stored["created"]  # the stub sends at once
            return ((not query.get("To") or stored["to"] == query["To"])
                    and (not query.get("From") or stored["from"] == query["From"])
                    and (after is None or sent >= after[0])
                    and (before is None or sent < before[0] + before[1])
                    and (on is None or on[0] <= sent < on[0] + on[1]))

        with self._lock:
            found = [stored for stored in reversed(self._stored) if wanted(stored)]
        page_size = min(int(query.get("PageSize") or 50), 1000)
        page = int(query.get("Page") or 0)
        filters = {key: value for key, value in query.items() if key not in ("Page", "PageSize", "PageToken")}
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"

        def page_uri(number: int) -> str:
            return uri + "?" + urlencode({**filters, "PageSize": page_size, "Page": number,
                                          **({"PageToken": f"PASM{number * page_size}"} if number else {})})

        rows = found[page * page_size:(page + 1) * page_size]
        return {
            "messages": [self._message_json(stored, sent=True) for stored in rows],
            "page": page, "page_size": page_size, "start": page * page_size,
            "end": page * page_size + max(len(rows) - 1, 0),
            "uri": page_uri(page), "first_page_uri": page_uri(0),
            "previous_page_uri": page_uri(page - 1) if page else None,
            "next_page_uri": page_uri(page + 1) if len(found) > (page + 1) * page_size else None,
        }


def _parse_date(value: Optional[str]) -> Optional[Tuple[dt.datetime, dt.timedelta]]:
    """'2026-11-29' (a whole day) or '2026-11-29T10:00:00Z' (that second); UTC."""
    if not value:
        return None
    if "T" in value:
        moment = dt.datetime.strptime(value.rstrip("Z"), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc)
        return moment, dt.timedelta(seconds=1)
    day = dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
    return day, dt.timedelta(days=1)


def _error(status: int, code: Optional[int], message: str) -> Dict:
    payload = {"status": status, "message": message}
    if code:
        payload.update(code=code, more_info=f"https://www.twilio.com/docs/errors/{code}")
    return payload
