"""Phone numbers as people and Twilio write them, read with libphonenumber."""
import pytest

from bot.outbox.numbers import display, e164, is_mobile, is_withheld
from bot.outbox.service import normalise_number
from telephony.voice import caller_ending, parse_callback_number


@pytest.mark.parametrize("written", ["+44 (0)7700 900123", "07700 900123", "0044 7700 900123", "+447700900123",
                                     "(07700) 900-123"])
def test_every_way_of_writing_a_uk_mobile_is_one_e164_number(written):
    assert e164(written) == "+447700900123"
    assert normalise_number(written) == "+447700900123"
    assert is_mobile(written)
    assert display(written) == "07700 900123"


@pytest.mark.parametrize("landline", ["01632 960000", "+44 1632 960001", "0300 123 4567", "020 7946 0000"])
def test_landlines_and_non_geographic_numbers_are_not_mobiles(landline):
    assert e164(landline) is not None
    assert not is_mobile(landline)


@pytest.mark.parametrize("withheld", ["anonymous", "+266696687", "Restricted", "", None, "12345"])
def test_withheld_and_impossible_numbers_are_no_number_at_all(withheld):
    assert e164(withheld) is None and is_withheld(withheld) and not is_mobile(withheld)
    assert caller_ending(withheld) is None


def test_real_mobile_ranges_and_other_countries():
    assert is_mobile("07911 123456") and e164("07911 123456") == "+447911123456"
    assert e164("+33 6 12 34 56 78") == "+33612345678" and is_mobile("+33612345678")


def test_callback_numbers_typed_on_the_keypad():
    assert parse_callback_number("07700900456", None) == "+447700900456"
    assert parse_callback_number("447700900456", None) == "+447700900456"
    assert parse_callback_number("01632960000", "anonymous") == "+441632960000"
    assert parse_callback_number("1", "+447700900123") == "+447700900123"
    assert parse_callback_number("1", "+266696687") is None
    assert parse_callback_number("12345", None) is None
    assert parse_callback_number("04407700900123", None) is None
