"""The safeguarding detector's plain-Python parts: words by category, sentences, replies."""
import numpy as np
import pytest

from bot.safeguarding import mentions_overdose, writer_is_young_person
from bot.safeguarding.detector import DisclosureClassifier, detect, sentences
from bot.safeguarding.replies import safeguarding_messages, writer_is_professional
from bot.safeguarding.words import word_category


@pytest.mark.parametrize("text, category", [
    ("he said he'd rather be dead than go back", "risk_to_life"),
    ("everyone would be better off without him", "risk_to_life"),
    ("my stepdad locks me in my room", "abuse_or_neglect"),
    ("my partner hits me when he's drunk", "domestic_abuse"),
    ("i can't cope any more", "carer_breaking_point"),
])
def test_words_name_the_category(text, category):
    assert word_category(text) == category


@pytest.mark.parametrize("text", [
    "the LA are abusing the process", "they neglected to send the draft plan", "the deadline is killing me",
    "she hurt her wrist in PE", "i'm at the end of my tether with the council", "he'd kill for a place there",
])
def test_idioms_are_not_read_as_risk_by_the_words(text):
    assert word_category(text) is None


def test_a_long_message_is_read_sentence_by_sentence():
    text = "We have a plan for him. The council is late. Last night he said he wants to die. What now?"
    parts = sentences(text)
    assert parts[0] == text and "Last night he said he wants to die." in parts


def _toy_classifier():
    # Two directions stand for ordinary talk and disclosure.
    vectors = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32)
    return DisclosureClassifier.fit(vectors, [None, None, "risk_to_life", "abuse_or_neglect"], threshold=0.5)


def test_the_classifier_alone_can_raise_the_alarm_with_its_category():
    model = _toy_classifier()

    def encode(texts):
        return np.array([[0.05, 0.95] if "alarming" in t else [1, 0] for t in texts], dtype=np.float32)

    found = detect("an alarming but wordless message", encode, model)
    assert found and found.by == ["classifier"] and found.category in ("risk_to_life", "abuse_or_neglect")
    assert detect("a plain question about plans", encode, model).by == []


def test_the_intent_counts_only_above_its_threshold():
    assert detect("hmm", intent="safeguarding_risk", intent_confidence=0.95, intent_threshold=0.9).by == ["intent"]
    assert detect("hmm", intent="safeguarding_risk", intent_confidence=0.6, intent_threshold=0.9).by == []
    assert detect("   ") is None


def test_a_professional_is_recognised_and_told_their_procedure():
    assert writer_is_professional("One of our pupils told me today ...")
    assert writer_is_professional("I'm a teaching assistant and a boy in my class said")
    assert not writer_is_professional("I'm his mum and he told me")
    text = " ".join(safeguarding_messages("abuse_or_neglect", professional=True, local_authority="Kent"))
    for fact in ("Designated Safeguarding Lead", "children's social care", "LADO", "999", "Working Together"):
        assert fact in text


@pytest.mark.parametrize("category, facts", [
    ("risk_to_life", ("999", "0800 1111", "116 123")),
    ("abuse_or_neglect", ("999", "children's social care", "0800 1111", "116 123")),
    ("domestic_abuse", ("999", "children's social care", "116 123")),
    ("carer_breaking_point", ("NHS 111", "116 123", "GP", "999")),
])
def test_each_category_has_its_own_numbers(category, facts):
    text = " ".join(safeguarding_messages(category))
    assert all(fact in text for fact in facts), text


def test_availability_is_honest():
    staffed = " ".join(safeguarding_messages(staffed_now=True))
    closed = " ".join(safeguarding_messages(staffed_now=False, next_open="tomorrow at 9am"))
    assert "on duty" in staffed and "help you now" not in staffed
    assert "isn't working right now" in closed and "tomorrow at 9am" in closed and "on duty" not in closed
    # Numbers first, then who is available.
    assert closed.index("999") < closed.index("isn't working")


def test_character_features_are_saved_with_the_model_and_read_misspellings(tmp_path):
    texts = ["i have been cutting myself", "she keeps cutting herself", "the council cut his hours",
             "what is section f", "can i appeal the plan", "how long does mediation take"]
    categories = ["risk_to_life", "risk_to_life", None, None, None, None]
    vectors = np.zeros((len(texts), 2), dtype=np.float32)  # no meaning: only the words count here
    model = DisclosureClassifier.fit(vectors, categories, threshold=0.5, texts=texts, c=16.0, characters=True,
                                     gamma_scale=0.5)
    model.save(tmp_path)
    loaded = DisclosureClassifier.load(tmp_path)
    assert loaded.characters is not None
    misspelt = ["been cuttin myslef agen"]
    nothing = np.zeros((1, 2), np.float32)
    # "cuttin" and "myslef" are no words of the training data: only their characters are shared.
    assert loaded.disclosure_probability(nothing, misspelt)[0] > 0.5
    assert loaded.disclosure_probability(nothing, ["how long is the appeal"])[0] < 0.5
    without = DisclosureClassifier.fit(vectors, categories, threshold=0.5, texts=texts, c=16.0, gamma_scale=0.5)
    assert without.disclosure_probability(nothing, misspelt)[0] < loaded.disclosure_probability(nothing, misspelt)[0]
    assert without.characters is None


@pytest.mark.parametrize("text", [
    "Health visitor here. Visiting a family whose 3 year old has complex needs, no food in the house",
    "Teacher here - a pupil with an EHCP told me today she's being made to sleep in the garage",
    "Health visitor here, mum of a 2yo disclosed her partner hit her last night",
    "SENCo: one of the children has bruises again",
    "I work as a youth worker and a lad I see says his dad beats him",
    "a young person I support has stopped eating",
    "A pupil of mine says she wants to die",
    "I'm a careers adviser at a college. A student told me she is being taken abroad to marry",
    # A year group or setting before the role (stranger test, 1 December 2026).
    "I'm a Year 5 teacher and a girl in the class said her stepdad hurts her",
    "im a y6 class teacher, one of the boys has come in with marks on his neck again",
    "Year 10 form tutor here - a student just told me she's been cutting",
    "I am a primary school SENCo and a child says he is left alone all night",
    "I'm the reception class teacher. A little boy keeps coming in hungry and in the same clothes",
    "As a 1:1 teaching assistant I've seen bruises on his back",
])
def test_professionals_introduce_themselves_in_many_ways(text):
    assert writer_is_professional(text)


@pytest.mark.parametrize("text", [
    "the doctor here said he needs more support and now he's hurting himself",
    "a pupil at his school hit him and the teacher did nothing",
    "his teacher says he's fine but he told me he wants to die",
    "I'm his mum, the health visitor said to call you",
    "I am a parent and his teacher says he's been hurting himself",
    "I'm a mum of three and his year 5 teacher told me he wants to die",
    "I'm a single dad, the school nurse saw the marks",
])
def test_a_parent_naming_a_professional_is_still_a_parent(text):
    assert not writer_is_professional(text)


@pytest.mark.parametrize("text", [
    "im 17 and i havent eaten or washed in a week, i cant cope with anything",
    "I'm 16. I can't do this anymore",
    "i am 19 years old and i just stay in bed, i dont see the point",
])
def test_a_young_person_at_breaking_point_gets_childline_not_the_carers_reply(text):
    assert writer_is_young_person(text)
    said = " ".join(safeguarding_messages("carer_breaking_point", young_person=writer_is_young_person(text)))
    assert "0800 1111" in said and "116 123" in said
    assert "You matter too" not in said and "NHS 111" not in said


@pytest.mark.parametrize("text, role", [
    ("I'm 20 minutes from the school and he says he's going to hurt himself", None),
    ("I'm his mum and I can't cope any more", None),
    ("im 17 and i cant cope", "parent"),
])
def test_not_a_young_person(text, role):
    assert not writer_is_young_person(text, role)


def test_a_professional_out_of_hours_is_not_pointed_at_numbers_that_are_not_there():
    said = safeguarding_messages("abuse_or_neglect", professional=True, staffed_now=False, next_open="tomorrow at 9am")
    assert "numbers above" not in " ".join(said)
    assert "safeguarding procedure" in said[-1] and "tomorrow at 9am" in said[-1]


@pytest.mark.parametrize("text", [
    "she swallowed a whole packet of paracetamol an hour ago",
    "my son took a handful of my tablets after school",
    "I think he's taken an overdose",
    "she od'd on her meds last night",
    "he has taken all of his sister's pills",
])
def test_an_overdose_is_told_999_now_first(text):
    assert mentions_overdose(text)
    said = safeguarding_messages("risk_to_life", overdose=mentions_overdose(text))
    assert "overdose" in said[1] and "999 now" in said[1]


@pytest.mark.parametrize("text", [
    "he takes tablets for his adhd, is that in section F?",
    "the council swallowed the cost of the report",
    "we took the letter to the school",
])
def test_ordinary_mentions_of_tablets_are_not_an_overdose(text):
    assert not mentions_overdose(text)


@pytest.mark.parametrize("text", [
    # A stranger's messages (2 December 2026) and their neighbours.
    "i've just taken a whole packet of paracetamol",
    "swallowed 30 paracetamol, feel sick",
    "I can't cope any more, I've taken some of my pills, I just want it all to stop",
    "i took too many pills",
    "my daughter has necked a bottle of her antidepressants",
    "he ate a load of his nan's sleeping tablets",
    "she's had half a box of ibuprofen",
])
def test_an_overdose_in_any_words_is_a_risk_to_life_told_999_now_once(text):
    assert word_category(text) == "risk_to_life" and mentions_overdose(text)
    said = " ".join(safeguarding_messages(word_category(text), overdose=True))
    assert said.count("999") == 1 and "999 now" in said


@pytest.mark.parametrize("text", [
    "he took his tablets at school as usual",
    "she can't swallow tablets so the plan should say liquid medicine",
    "I want the phone calls to stop before the hearing",
    "the school gave him paracetamol without asking me",
])
def test_medicine_in_ordinary_messages_is_not_an_overdose(text):
    assert not mentions_overdose(text) and word_category(text) is None
