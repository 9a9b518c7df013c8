"""A local HTTP server that speaks Twilio's REST API (Messages and Calls), for tests.

Point the product at it with TWILIO_API_BASE_URL=stub.url. Every request is recorded;
failures are programmed per request:

    stub.fail_next(500)                          # plain server error
    stub.fail_next(429, code=20429, message="Too Many Requests")
    stub.fail_next(400, code=21211, message="The 'To' number is not a valid phone number.")
"""
from __future__ import annotations

import base64
import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit


@dataclass
class RecordedRequest:
    method: str
    path: str
    form: Dict[str, str]
    auth: Tuple[str, str]
    status: int


@dataclass
class TwilioStub:
    account_sid: str = "AC" + "0" * 32
    auth_token: str = "stub-auth-token"
    requests: List[RecordedRequest] = field(default_factory=list)
    _failures: List[Tuple[int, Optional[int], str]] = field(default_factory=list)
    _server: Optional[ThreadingHTTPServer] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, status: int, code: Optional[int] = None, message: str = "Internal Server Error") -> None:
        with self._lock:
            self._failures.append((status, code, message))

    def messages(self) -> List[RecordedRequest]:
        """Messages accepted (201), in order."""
        return [r for r in self.requests if r.path.endswith("/Messages.json") and r.status == 201]

    def start(self) -> "TwilioStub":
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

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
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
        status, payload = self._respond(path, method, form, auth)
        with self._lock:
            self.requests.append(RecordedRequest(method, path, form, auth, status))
        body = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

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
            return 201, {
                "sid": sid, "account_sid": self.account_sid, "to": form["To"], "from": form.get("From"),
                "body": form.get("Body"), "status": "queued", "num_segments": "1", "direction": "outbound-api",
                "api_version": "2010-04-01", "uri": f"{prefix}Messages/{sid}.json", "error_code": None,
                "error_message": None, "price": None, "price_unit": "GBP",
            }
        if resource == "Calls.json" and method == "POST":
            sid = "CA" + uuid.uuid4().hex
            return 201, {
                "sid": sid, "account_sid": self.account_sid, "to": form.get("To"), "from": form.get("From"),
                "status": "queued", "direction": "outbound-api", "api_version": "2010-04-01",
                "uri": f"{prefix}Calls/{sid}.json",
            }
        return 404, _error(404, 20404, "The requested resource was not found")


def _error(status: int, code: Optional[int], message: str) -> Dict:
    payload = {"status": status, "message": message}
    if code:
        payload.update(code=code, more_info=f"https://www.twilio.com/docs/errors/{code}")
    return payload
