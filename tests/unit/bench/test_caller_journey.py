"""The caller journey benchmark's arithmetic: speech time from TwiML, and its table."""
import xml.etree.ElementTree as ET

from bench.caller_journey import Journey, Line, table


def test_speech_seconds_count_words_at_150_a_minute_and_pauses():
    root = ET.fromstring("<Response><Gather><Say>one two three four five</Say><Pause length=\"1\"/>"
                         "<Say>six seven eight nine ten</Say></Gather></Response>")
    assert Line.seconds(root) == 10 / 2.5 + 1


def test_the_table_has_a_row_per_journey_and_marks_a_certificate_not_reached():
    before = {"What is mediation?": Journey(3, 61.0), "To a mediation certificate": Journey(22, 300.0, reached=False)}
    previous = {"What is mediation?": Journey(1, 40.4), "To a mediation certificate": Journey(12, 200.0)}
    after = {"What is mediation?": Journey(1, 30.2, heard=["It is free. Shall I text you the details and sources? "
                                                           "Say yes or press 1, or say no."]),
             "To a mediation certificate": Journey(12, 190.0)}
    text = table({"abc1234": before, "def5678": previous, "now": after})
    assert "| journey | turns abc1234 | turns def5678 | turns now |" in text
    assert "| What is mediation? | 3 | 1 | 1 | 61 | 40 | 30 | 23 |" in text  # the offer's 15 words and pause: 7 s
    assert "| To a mediation certificate | 22 (not reached) | 12 | 12 | 300 | 200 | 190 | 190 |" in text
    assert "(1 of 2 journeys end so)" in text
