"""Security headers on every HTTP response the web app sends, unless a page set its own.

The web chat page (framed on council sites) and the console set stricter or different
policies themselves; everything else (certificate verification pages, JSON APIs, the
OpenAPI schema, errors) gets these defaults. HSTS only when the public address is HTTPS
(browsers ignore it over HTTP, and a developer's localhost must stay reachable).
OWASP ASVS 5.0 3.4 (browser security mechanism headers).
"""

from __future__ import annotations

from typing import Dict

from bot.settings import get_settings

DEFAULT_HEADERS: Dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
DEVELOPMENT_DOCS = "/docs"


def headers_for(public_base_url: str) -> Dict[str, str]:
    """The default headers for a service reached at ``public_base_url``."""
    headers = dict(DEFAULT_HEADERS)
    if public_base_url.lower().startswith("https://"):
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeaders:
    """ASGI middleware: adds each default header a response does not already carry."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        # /docs (development only) loads Swagger UI from a CDN, which the default policy forbids.
        if scope["type"] != "http" or scope.get("path") == DEVELOPMENT_DOCS:
            await self.app(scope, receive, send)
            return
        defaults = [
            (name.lower().encode(), value.encode())
            for name, value in headers_for(get_settings().public_base_url).items()
        ]

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": list(message.get("headers", []))
                    + [(name, value) for name, value in defaults if name not in present],
                }
            await send(message)

        await self.app(scope, receive, send_with_headers)
