"""`make bench` reads the training data for what its simulated people say: every NLU file
format this project uses (block examples and examples with metadata) must load."""
from bench.load import Phrasebook, nlu_examples, ROOT


def test_examples_with_metadata_are_read_as_well_as_block_examples():
    examples = nlu_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
    # situations.yml lists check_routes examples with metadata; greetings are a block.
    assert any("council" in text.lower() for text in examples["check_routes"])
    assert all(isinstance(text, str) and text for texts in examples.values() for text in texts)
    assert examples["greet"]


def test_every_kind_of_conversation_has_the_turns_asked_for():
    book = Phrasebook(turns=12, seed=9)
    for kind in Phrasebook.KINDS:
        assert len(book.ours(kind)) == 12


def test_about_half_of_this_assistants_turns_are_form_turns():
    """The load mix (issue 22): questions in half the conversations, a form in the other half."""
    book = Phrasebook(turns=12, seed=9)
    kinds = [book.kind(person, number) for person in range(20) for number in range(3)]
    form = sum(book.form_turns(kind) for kind in kinds)
    assert 0.4 <= form / (12 * len(kinds)) <= 0.6
    assert {"faq", "route_check", "appeal"} <= set(kinds)
