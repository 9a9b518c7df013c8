"""A small real SMTP server for tests (RFC 5321 subset: HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).

Listens on 127.0.0.1 on a free port; every accepted message is kept, parsed. Failures
are programmed per message, answered at RCPT TO:

    server.fail_next(451, "4.3.0 Try again later")   # transient: the outbox retries
    server.fail_next(550, "5.1.1 No such mailbox")    # permanent: the outbox gives up
"""
from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import List, Optional, Tuple


@dataclass
class ReceivedMail:
    mail_from: str
    recipients: List[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content()


@dataclass
class SmtpServer:
    received: List[ReceivedMail] = field(default_factory=list)
    attempts: int = 0  # RCPT commands seen, accepted or not
    _failures: List[Tuple[int, str]] = field(default_factory=list)
    _server: Optional[socketserver.ThreadingTCPServer] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        assert self._server
        return self._server.server_address[1]

    def fail_next(self, code: int, text: str = "Try again later") -> None:
        with self._lock:
            self._failures.append((code, text))

    def _next_failure(self) -> Optional[Tuple[int, str]]:
        with self._lock:
            self.attempts += 1
            return self._failures.pop(0) if self._failures else None

    def start(self) -> "SmtpServer":
        smtp = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write((line + "\r\n").encode())
                self.wfile.flush()

            def handle(self) -> None:
                self.reply("220 localhost test SMTP ready")
                sender, recipients = "", []
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    verb = line[:4].upper()
                    if verb == "EHLO":
                        self.reply("250-localhost")
                        self.reply("250-8BITMIME")
                        self.reply("250 SMTPUTF8")
                    elif verb == "HELO":
                        self.reply("250 localhost")
                    elif verb == "MAIL":
                        sender, recipients = line.split(":", 1)[1].split()[0].strip("<>"), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        failure = smtp._next_failure()
                        if failure:
                            self.reply(f"{failure[0]} {failure[1]}")
                        else:
                            recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                            self.reply("250 OK")
                    elif verb == "DATA":
                        if not recipients:
                            self.reply("554 No valid recipients")
                            continue
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        lines = []
                        while True:
                            data = self.rfile.readline()
                            if data in (b".\r\n", b".\n", b""):
                                break
                            lines.append(data[1:] if data.startswith(b"..") else data)
                        message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                        with smtp._lock:
                            smtp.received.append(ReceivedMail(sender, list(recipients), message))
                        self.reply("250 OK queued")
                    elif verb == "RSET":
                        sender, recipients = "", []
                        self.reply("250 OK")
                    elif verb == "NOOP":
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Command not implemented")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
