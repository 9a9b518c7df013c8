"""Local authority names and their variants resolve to one council."""
import pytest

from bot.nlp.patterns import find_local_authority, local_authorities, south_east_group


def test_every_english_authority_with_send_duties_is_listed_once():
    names = [authority.name for authority in local_authorities()]
    assert len(names) == len(set(names)) == 153


def test_the_south_east_group_is_the_sixteen_commissioning_councils():
    assert sorted(a.name for a in south_east_group()) == sorted([
        "Bracknell Forest", "Buckinghamshire", "East Sussex", "Essex", "Kent", "Medway",
        "Milton Keynes", "Oxfordshire", "Portsmouth", "Reading", "Southampton", "Surrey",
        "West Berkshire", "West Sussex", "Windsor and Maidenhead", "Wokingham",
    ])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("RBWM", "Windsor and Maidenhead"),
        ("Royal Borough of Windsor & Maidenhead", "Windsor and Maidenhead"),
        ("kent county council", "Kent"),
        ("Brighton & Hove City Council", "Brighton and Hove"),
        ("southend on sea", "Southend-on-Sea"),
        ("London Borough of Tower Hamlets", "Tower Hamlets"),
        ("bucks", "Buckinghamshire"),
        ("Reading Borough Council", "Reading"),
    ],
)
def test_variants_resolve(text, expected):
    authority = find_local_authority(text)
    assert authority is not None and authority.name == expected


def test_unknown_names_do_not_resolve():
    assert find_local_authority("Cardiff") is None
    assert find_local_authority("") is None
