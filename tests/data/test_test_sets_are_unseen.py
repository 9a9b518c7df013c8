"""No test message is a training example in disguise (issue "Understanding people in their own words").

A message of any test set (the realistic sets, tests/nlu, the conversation tests and the
Python tests that talk to the model) must not equal a training example or differ from one
by a single word, after lower-casing and dropping punctuation. For messages of one or two
words only equality counts ("no, thanks" is one word away from every other two-word reply).
After adding training data: `python -m tests.support.near_duplicates --prune-realistic`
drops coinciding messages from the realistic sets; other tests are reworded by hand.
"""
from __future__ import annotations

import pytest

from tests.support.near_duplicates import Index, training_examples
from tests.support.test_sets import ROOT, messages_of, test_set_files

INDEX = Index(training_examples())
FILES = test_set_files()


def test_the_training_data_and_the_test_sets_are_found():
    assert len(training_examples()) > 3000
    names = {path.name for path in FILES}
    assert {"intents.yml", "safeguarding.yml", "ordinary.yml", "situations.yml", "test_knowledge.py"} <= names


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_no_test_message_is_near_a_training_example(path):
    offenders = [(message, INDEX.near(message)[0]) for message in messages_of(path) if INDEX.near(message)]
    assert not offenders, "\n".join(f"{m!r} ~ training {t!r}" for m, t in offenders[:20])


def test_the_checker_sees_a_one_word_change():
    index = Index(["how long do i have to appeal"])
    assert index.near("How long do I have to appeal?")
    assert index.near("how long do we have to appeal")
    assert index.near("how long do i have to appeal it")
    assert index.near("how long do i have appeal")
    assert not index.near("how long have i got to appeal")
    assert not Index(["no"]).near("nope") and Index(["no"]).near("No!")
