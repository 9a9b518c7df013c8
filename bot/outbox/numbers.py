"""Phone numbers, read with the maintained `phonenumbers` library (Google's libphonenumber).

- ``e164``: any way a person or Twilio writes a number ("+44 (0)7700 900123",
  "07700 900123", "0044 7700 900123") -> "+447700900123", or None when it is not a
  number (withheld callers: "anonymous", "+266696687", short codes);
- ``is_mobile``: whether a text can be promised to it (UK landlines cannot take one);
- ``display``: how staff read it ("07700 900123").

Ofcom keeps ranges for drama and testing that libphonenumber calls invalid: 07700 900000
to 900999 are mobiles and 01632 960000 to 960999 landlines (Ofcom, "Telephone numbers
for drama purposes"). They are the numbers in every test, so they are classified here.
"""

from __future__ import annotations

import re
from typing import Optional

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

REGION = "GB"
DRAMA_MOBILE = re.compile(r"^\+447700900\d{3}$")
DRAMA_LANDLINE = re.compile(r"^\+441632960\d{3}$")
# What Twilio sends as From for a withheld number (and "+266696687": ANONYMOUS on a keypad).
WITHHELD = frozenset({"anonymous", "restricted", "unknown", "private", "unavailable", "+266696687", "266696687"})
MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


def _parse(number: Optional[str]):
    text = (number or "").strip()
    if not text or text.lower() in WITHHELD:
        return None
    try:
        parsed = phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
    formatted = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    if DRAMA_MOBILE.match(formatted) or DRAMA_LANDLINE.match(formatted):
        return parsed
    return parsed if phonenumbers.is_valid_number(parsed) else None


def e164(number: Optional[str]) -> Optional[str]:
    """'+44 (0)7700 900123' -> '+447700900123'; None for a withheld or impossible number."""
    parsed = _parse(number)
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164) if parsed is not None else None


def is_mobile(number: Optional[str]) -> bool:
    """True when the number can take a text (a mobile); False for landlines, withheld and bad numbers."""
    parsed = _parse(number)
    if parsed is None:
        return False
    formatted = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    if DRAMA_MOBILE.match(formatted):
        return True
    if DRAMA_LANDLINE.match(formatted):
        return False
    return phonenumbers.number_type(parsed) in MOBILE_TYPES


def is_withheld(number: Optional[str]) -> bool:
    return e164(number) is None


def display(number: Optional[str]) -> str:
    """'+447700900123' -> '07700 900123' (international format outside the UK); '' for none."""
    parsed = _parse(number)
    if parsed is None:
        return (number or "").strip()
    if parsed.country_code == 44:
        formatted = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
        if formatted.replace(" ", "").isdigit():
            return formatted
        digits = phonenumbers.national_significant_number(parsed)
        return f"0{digits[:4]} {digits[4:]}"
    return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)
