"""The project's spaCy pipeline finds councils, plan sections and route words, with no download."""
import pytest
import spacy

from bot.nlp.build_pipeline import build


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    output = tmp_path_factory.mktemp("spacy") / "en_send"
    build(output)
    return spacy.load(output)  # load from disk, as Rasa does


def entities(nlp, text):
    return [(ent.label_, ent.ent_id_) for ent in nlp(text).ents]


def test_finds_a_council_written_in_lower_case_as_speech_arrives(nlp):
    assert ("local_authority", "West Sussex") in entities(nlp, "um we live in west sussex and the la said no")


def test_everyday_words_are_not_mistaken_for_councils(nlp):
    assert entities(nlp, "i was reading the letter again") == []
    assert ("local_authority", "Reading") in entities(nlp, "We are in Reading")


def test_finds_plan_sections_and_routes(nlp):
    found = entities(nlp, "can I appeal section F to the SENDIST or use mediation")
    assert ("ehc_section", "F") in found
    assert ("route", "tribunal_appeal") in found
    assert ("route", "mediation") in found
