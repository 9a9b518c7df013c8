"""EHC plan sections and the plain labels used when the assistant is unsure."""
from bot.knowledge.labels import label_for, unsure_message
from bot.knowledge.plan_sections import section_messages


def test_one_section():
    (text,) = section_messages("F")
    assert "Section F" in text and "special educational provision" in text and "appeal" in text and "Source" in text


def test_health_section_is_recommendations_only():
    assert "recommendations" in section_messages("g")[0]


def test_all_sections_in_two_messages():
    messages = section_messages(None)
    assert len(messages) == 2 and "A:" in messages[0] and "K:" in messages[1]


def test_unknown_section_lists_all():
    assert len(section_messages("Z")) == 2


def test_unsure_message_never_answers():
    assert "how long do I have to appeal" in unsure_message("faq_tribunal")
    assert label_for("greet") is None and label_for("safeguarding_risk") is None
    assert "different way" in unsure_message(None)
