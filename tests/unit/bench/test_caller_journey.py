"""The caller journey benchmark's arithmetic: speech time from TwiML, and its table."""
import xml.etree.ElementTree as ET

from bench.caller_journey import Journey, Line, table


def test_speech_seconds_count_words_at_150_a_minute_and_pauses():
    root = ET.fromstring("<Response><Gather><Say>one two three four five</Say><Pause length=\"1\"/>"
                         "<Say>six seven eight nine ten</Say></Gather></Response>")
    assert Line.seconds(root) == 10 / 2.5 + 1


def test_the_table_has_a_row_per_journey_and_marks_a_certificate_not_reached():
    before = {"What is mediation?": Journey(3, 61.0), "To a mediation certificate": Journey(22, 300.0, reached=False)}
    after = {"What is mediation?": Journey(1, 40.4), "To a mediation certificate": Journey(12, 200.0)}
    text = table(before, after, "abc1234")
    assert "| What is mediation? | 3 | 1 | 61 | 40 |" in text
    assert "| To a mediation certificate | 22 (not reached) | 12 | 300 | 200 |" in text
