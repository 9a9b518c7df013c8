"""Certificate references: easy to read aloud, and every typing slip of one symbol or
one swap is caught by the check character before any database look-up."""
import random

import pytest

from bot.mediation.references import (ALPHABET, MistypedReference, check_symbol, format_reference, new_reference,
                                      normalise_reference)


def test_a_new_reference_has_the_documented_shape():
    reference = new_reference()
    prefix, first, second = reference.split("-")
    assert prefix == "SEM" and len(first) == len(second) == 4
    assert set(first + second) <= set(ALPHABET)
    # None of the symbols people confuse when reading or saying them.
    assert not set(first + second) & set("01ILOUZ")
    assert normalise_reference(reference) == reference


@pytest.mark.parametrize("typed", ["sem-7kq4-mx2p", " SEM 7KQ4 MX2P ", "SEM7KQ4MX2P", "7kq4mx2p", "sem.7kq4.mx2p"])
def test_forgiving_input(typed):
    symbols = "7KQ4MX2"
    expected = format_reference(symbols + check_symbol(symbols))
    typed = typed.replace("P", expected[-1]).replace("p", expected[-1].lower())
    assert normalise_reference(typed) == expected


def test_every_single_wrong_symbol_and_every_swap_is_caught():
    rng = random.Random(7)
    for _ in range(300):
        # Split rather than replace "SEM-": the random symbols may themselves spell SEM.
        symbols = "".join(new_reference().split("-")[1:])
        for position in range(8):
            for other in ALPHABET:
                if other != symbols[position]:
                    slip = symbols[:position] + other + symbols[position + 1:]
                    with pytest.raises(MistypedReference):
                        normalise_reference(slip)
        first, second = sorted(rng.sample(range(8), 2))
        if symbols[first] != symbols[second]:
            swapped = list(symbols)
            swapped[first], swapped[second] = swapped[second], swapped[first]
            with pytest.raises(MistypedReference, match="mistyped"):
                normalise_reference("".join(swapped))


@pytest.mark.parametrize("typed,says", [
    ("SEM-7KQ4-MX2", "8 letters and numbers"),
    ("SEM-7KQ4-MX2PP", "8 letters and numbers"),
    ("SEM-7KQ4-MO2P", "never contain O"),
    ("", "8 letters and numbers"),
])
def test_mistyped_references_say_what_is_wrong(typed, says):
    with pytest.raises(MistypedReference, match=says):
        normalise_reference(typed)


@pytest.mark.parametrize("symbols", ["ASEM7KQ", "SEMSEM2", "7KQSEMA", "SEM4MX2"])
def test_references_whose_symbols_spell_sem_are_read_back_whole(symbols):
    # The prefix is only taken off a reference that is long enough to carry it.
    reference = format_reference(symbols + check_symbol(symbols))
    assert normalise_reference(reference) == reference
    assert normalise_reference(reference.replace("-", "").replace("SEM", "", 1)) == reference
