"""The redactor hides the personal details staff should not see by default, and keeps the rest."""
import pytest

from bot.redaction import Redactor
from support.console import FIXTURE_KEPT, FIXTURE_PERSONAL_DETAILS, FIXTURE_TURNS


@pytest.fixture(scope="module")
def redactor():
    return Redactor()


def test_fixture_transcript_has_no_personal_details_left(redactor):
    redacted = "\n".join(r.text for r in redactor.redact_all([text for _, text in FIXTURE_TURNS]))
    for detail in FIXTURE_PERSONAL_DETAILS:
        assert detail not in redacted, detail
    for kept in FIXTURE_KEPT:
        assert kept in redacted, kept
    for label in ("[name]", "[phone number]", "[email]", "[postcode]", "[date of birth]", "[address]"):
        assert label in redacted, label


@pytest.mark.parametrize("text, label, detail", [
    ("my number is +44 (0)7700 900 456", "phone", "7700"),
    ("ring 01632 960123 after 3", "phone", "960123"),
    ("it's j.bloggs+school@mail.co.uk", "email", "bloggs"),
    ("postcode tn23 1aa", "postcode", "tn23"),
    ("his dob is 3rd April 2015", "date_of_birth", "April"),
    ("she was born on the 2nd of june 2010", "date_of_birth", "june"),
    ("flat 4, 12 High Street", "address", "High Street"),
    ("i live at rose cottage, mill lane", "address", "rose cottage"),
    ("my daughter amy has autism", "name", "amy"),
    ("I'm Priya and I'm a parent", "name", "Priya"),
    ("the SENCO Mr. Okafor said no", "name", "Okafor"),
    ("my name's Tom", "name", "Tom"),
    ("she is called Lily-Mae", "name", "Lily"),
    # Found by a security review (issue "Security and privacy"): each kind was shown in clear.
    ("his NHS number is 943 476 5919", "nhs_number", "476"),
    ("NHS no. 9434765919 if you need it", "nhs_number", "9434765919"),
    ("my NI number is AB 12 34 56 C", "ni_number", "34 56"),
    ("national insurance qq123456c", "ni_number", "123456"),
    ("we're in France now, call +33 6 12 34 56 78", "phone", "12 34 56"),
    ("my US number is +1 415 555 2671", "phone", "555"),
    ("I'm the mum of Tom and he is 9", "name", "Tom"),
    ("carer for Jade since 2019", "name", "Jade"),
    ("he is at Cherry Tree Primary School in Year 4", "school", "Cherry Tree"),
    ("she moved to St Mary's C of E Primary School", "school", "Mary"),
    ("he went to Oakwood Academy last year", "school", "Oakwood"),
    # A child's first name with no cue before it (issue 20): found by what is said of them.
    ("Alfie has been out of school since May", "name", "Alfie"),
    ("Since March Oliver can't cope with the noise in class", "name", "Oliver"),
    ("Isla's EHCP is a year late", "name", "Isla"),
    ("The school says Jayden Okoro needs a smaller class", "name", "Okoro"),
])
def test_each_kind_of_detail(redactor, text, label, detail):
    result = redactor.redact(text)
    assert label in result.labels and detail not in result.text, result.text


@pytest.mark.parametrize("text", [
    "I am worried about my son who has autism",
    "My son is 7 and the council is Kent",
    "The decision letter was dated 12/05/2026 and we want to appeal",
    "Section F of the EHC plan is vague",
    "Can I get a mediation certificate?",
    "I called the council and Surrey said no",
    "the school said no and the academy trust agreed",
    "a ten digit number 1234567890 that is not an NHS number",
    "the appeal deadline is 2 February 2026, section F",
    "He needs a special school place",
    # Capitalised words that are not names, in the place a name would be (issue 20).
    "Kent has refused to assess him",
    "Surrey County Council has refused again",
    "Reading is our council and Milton Keynes was before",
    "The Tribunal has ruled in our favour",
    "EHCP is late and May is when it was due",
    "Transport has been cancelled",
    "Mediation is free, Ofsted has said the school is good",
    "Sendiass is helping us and Covid has made it worse",
])
def test_ordinary_words_are_left_alone(redactor, text):
    assert redactor.redact(text).text == text


def test_a_name_found_once_is_hidden_everywhere_in_the_conversation(redactor):
    results = redactor.redact_all(["my son is called Jack", "jack loves trains", "Jack's school is fine"])
    assert all("jack" not in r.text.lower() for r in results), [r.text for r in results]


def test_an_escalation_keeps_a_council_only_when_it_names_one():
    from bot.handoff.models import council_name

    assert council_name("brighton") == "Brighton and Hove"
    assert council_name("west berks") == "West Berkshire"
    # An entity value carrying personal details (seen in the queue in clear) is not kept.
    assert council_name("Jane Doe 07700 900666") is None
    assert council_name("Atlantis") is None


@pytest.mark.parametrize("text", [
    "Thanks Monday works for me",
    "From Tuesday she is off school",
    "This is about Wednesday's meeting",
    "Call me on Friday morning",
])
def test_weekday_names_are_not_names(redactor, text):
    """Issue 21: weekdays were hidden as "[name]"."""
    assert "[name]" not in redactor.redact(text).text


@pytest.mark.parametrize("text, hidden", [
    ("My name is Maria Garcia-Reyes", ("Maria", "Garcia", "Reyes")),
    ("I spoke to Jane Smith-Jones on Monday", ("Jane", "Smith", "Jones")),
    ("My name is Ann O'Neil-Reyes", ("Ann", "Neil", "Reyes")),
])
def test_a_double_barrelled_surname_is_hidden_whole(redactor, text, hidden):
    """Issue 21: half a hyphenated surname leaked ("[name]-Reyes")."""
    redacted = redactor.redact(text).text
    assert not [part for part in hidden if part in redacted], redacted


def test_each_part_of_a_double_barrelled_name_is_hidden_across_the_conversation(redactor):
    results = redactor.redact_all(["My name is Ann Garcia-Reyes", "Reyes is our family name, Garcia too"])
    assert all("Reyes" not in r.text and "Garcia" not in r.text for r in results), [r.text for r in results]
