"""Constants and helpers for telephony tests."""
from typing import Dict

from twilio.request_validator import RequestValidator

PUBLIC_BASE_URL = "https://line.example.org"  # what Twilio sees, in front of a TLS-terminating proxy
AUTH_TOKEN = "stub-auth-token"
MEDIATORS = ["+447700900001", "+447700900002"]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS_OPEN = ",".join(f"{day}=00:00-23:59" for day in DAYS)
ALWAYS_CLOSED = ",".join(f"{day}=" for day in DAYS)


def sign(url: str, params: Dict[str, str], token: str = AUTH_TOKEN) -> str:
    """X-Twilio-Signature exactly as Twilio computes it."""
    return RequestValidator(token).compute_signature(url, params)


class TwilioPoster:
    """Posts form requests to the app the way Twilio does: to the public URL, signed."""

    def __init__(self, client, token: str = AUTH_TOKEN) -> None:
        self.client = client
        self.token = token

    def post(self, url: str, params: Dict[str, str], signature: str = None):
        if not url.startswith("http"):
            url = PUBLIC_BASE_URL + url
        path = url[len(PUBLIC_BASE_URL):]
        headers = {"X-Twilio-Signature": signature if signature is not None else sign(url, params, self.token)}
        return self.client.post(path, data=params, headers=headers)
