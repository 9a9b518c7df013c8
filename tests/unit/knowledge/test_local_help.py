"""SENDIASS contacts of the 16 councils, and what someone elsewhere is told."""
import re

import pytest

from bot.knowledge.local_help import (
    find_council_in_text, local_help_messages, sendiass_for, sendiass_services,
)
from bot.nlp.patterns import south_east_group


def test_the_data_file_covers_exactly_the_sixteen_councils():
    assert sorted(s.local_authority for s in sendiass_services()) == sorted(a.name for a in south_east_group())


def test_no_unverified_phone_numbers():
    for service in sendiass_services():
        if not service.verified:
            assert service.phone is None, f"{service.local_authority}: unverified phone"
        else:
            assert service.website and service.phone


def test_phone_numbers_look_like_uk_numbers():
    for service in sendiass_services():
        for phone in (service.phone, service.childrens_social_care_phone):
            if phone:
                assert re.fullmatch(r"0\d{2,4}( ?\d{3,4}){1,3}", phone), phone


def test_every_entry_names_its_sources_or_says_it_is_unverified():
    import yaml
    from bot.knowledge.local_help import DATA_FILE
    for entry in yaml.safe_load(DATA_FILE.read_text())["services"]:
        assert entry.get("note"), entry["local_authority"]
        if entry.get("verified") or entry.get("website") or entry.get("childrens_social_care_phone"):
            assert entry.get("sources"), entry["local_authority"]


def test_variants_resolve():
    assert sendiass_for("mk").local_authority == "Milton Keynes"
    assert sendiass_for("Manchester") is None


def test_a_covered_council_gets_its_sendiass_and_national_help():
    text = " ".join(local_help_messages("Milton Keynes"))
    assert "one of the 16" in text and "01908 254518" in text and "IPSEA" in text and "Contact" in text


def test_an_unverified_entry_never_reads_out_a_number():
    text = " ".join(local_help_messages("Bracknell Forest"))
    assert not re.search(r"\b0\d{3}", text)
    assert "Local Offer" in text


def test_elsewhere_in_england_is_told_their_own_council_handles_it():
    text = " ".join(local_help_messages("Manchester"))
    assert "not one of the 16" in text and "own mediation service" in text and "Local Offer" in text


def test_no_council_named():
    assert "Tell me your council" in local_help_messages(None)[0]


@pytest.mark.parametrize("text, council", [
    ("we live in west berks now", "West Berkshire"), ("I'm in Kent", "Kent"),
    ("is manchester covered", "Manchester"), ("no idea", None), ("", None),
])
def test_find_council_in_text(text, council):
    assert find_council_in_text(text) == council
