"""The safeguarding classifier's own bank (bot/safeguarding/bank.py)."""
import pytest

from bot.safeguarding.bank import DEFAULT_BANK, bank_fingerprint, load_bank
from bot.safeguarding.words import CATEGORIES


def test_the_project_bank_has_disclosures_of_every_category_and_ordinary_messages():
    bank = load_bank()
    categories = {category for _, category in bank}
    assert set(CATEGORIES) <= categories and None in categories
    assert sum(1 for _, category in bank if category) >= 250


def test_a_disclosure_with_an_unknown_category_is_refused(tmp_path):
    path = tmp_path / "bank.yml"
    path.write_text("disclosures:\n- text: he hits me\n  category: violence\n")
    with pytest.raises(ValueError, match="violence"):
        load_bank(path)


def test_ordinary_messages_have_no_category_and_a_missing_bank_is_empty(tmp_path):
    path = tmp_path / "bank.yml"
    path.write_text("ordinary:\n- text: the council is killing me with forms\n")
    assert load_bank(path) == [("the council is killing me with forms", None)]
    assert load_bank(tmp_path / "absent.yml") == []


def test_a_changed_bank_changes_the_fingerprint_rasa_caches_on(tmp_path):
    path = tmp_path / "bank.yml"
    path.write_text("ordinary:\n- text: one\n")
    before = bank_fingerprint(path)
    path.write_text("ordinary:\n- text: two\n")
    assert bank_fingerprint(path) != before and bank_fingerprint(DEFAULT_BANK)
