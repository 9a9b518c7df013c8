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


# What Twilio posts, with the parameter names and values of its webhook documentation
# (Voice: "TwiML Voice: Twilio's Request", <Gather>, <Dial>, <Enqueue>, <Record>;
# Messaging: "Twilio's request to your application").
def voice_params(call_sid: str, caller: str = "+447700900123", to: str = "+441632960000", **extra: str) -> Dict[str, str]:
    withheld = caller in ("anonymous", "+266696687")
    params = {
        "AccountSid": "AC" + "0" * 32, "ApiVersion": "2010-04-01", "CallSid": call_sid, "CallStatus": "in-progress",
        "Direction": "inbound", "From": caller, "Caller": caller, "To": to, "Called": to,
        "FromCountry": "" if withheld else "GB", "CallerCountry": "" if withheld else "GB",
        "FromCity": "", "FromState": "", "FromZip": "", "CallerCity": "", "CallerState": "", "CallerZip": "",
        "ToCountry": "GB", "ToCity": "", "ToState": "", "ToZip": "", "CalledCountry": "GB", "CalledCity": "",
        "CalledState": "", "CalledZip": "",
    }
    params.update(extra)
    return params


def speech_params(text: str, confidence: str = "0.91") -> Dict[str, str]:
    """A <Gather> that heard speech."""
    return {"SpeechResult": text, "Confidence": confidence, "Language": "en-GB"}


def digits_params(digits: str, finished_on_key: str = "") -> Dict[str, str]:
    """A <Gather> that got keypad digits."""
    return {"Digits": digits, "FinishedOnKey": finished_on_key, "msg": "Gather End"}


def sms_params(message_sid: str, body: str, sender: str = "+447700900123", to: str = "+441632960000",
               media: Dict[str, str] = None) -> Dict[str, str]:
    params = {
        "ToCountry": "GB", "ToState": "", "SmsMessageSid": message_sid, "NumMedia": str(len(media or {})),
        "ToCity": "", "FromZip": "", "SmsSid": message_sid, "FromState": "", "SmsStatus": "received",
        "FromCity": "", "Body": body, "FromCountry": "GB", "To": to, "ToZip": "", "NumSegments": "1",
        "MessageSid": message_sid, "AccountSid": "AC" + "0" * 32, "From": sender, "ApiVersion": "2010-04-01",
    }
    for index, (url, content_type) in enumerate((media or {}).items()):
        params[f"MediaUrl{index}"] = url
        params[f"MediaContentType{index}"] = content_type
    return params
