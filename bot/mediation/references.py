"""Certificate references: short, easy to read aloud, with a check character.

Format: ``SEM-XXXX-XXXC`` -- the prefix ``SEM`` (South East Mediation), seven random
symbols and one check symbol, read aloud in two groups of four.

Alphabet (29 symbols): the digits 2-9 and the letters A-Z without I, L, O, U and Z.
Crockford's base32 drops I, L, O and U because they are mistaken for 1, 0 and V
(and U makes accidental words); we also drop 0 and 1 (so nobody has to ask "zero or
oh?") and Z (mistaken for 2, and said "zed" or "zee"). 29 is prime, which is what the
check needs.

Check symbol: the symbol ``c`` that makes the weighted sum ``1*v1 + 2*v2 + ... +
7*v7 + 8*c`` a multiple of 29. With a prime modulus and distinct weights below it,
every single wrong symbol and every swap of two symbols (next to each other or not,
the check symbol included) changes the sum, so each is caught. 29**7 (about 17
billion) references leave collisions rare; the database's unique constraint and a
retry make them harmless.

Input is forgiving: lower case, spaces, dots and missing dashes are all accepted, and
the prefix may be left out.
"""

from __future__ import annotations

import secrets

PREFIX = "SEM"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXY"
MODULUS = len(ALPHABET)  # 29, prime
RANDOM_SYMBOLS = 7
_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}

assert MODULUS == 29


class MistypedReference(ValueError):
    """The text cannot be a certificate reference: wrong length, a symbol we never
    use, or a check symbol that does not match. The message can be read to a person."""


def check_symbol(symbols: str) -> str:
    """The check symbol for seven random symbols."""
    total = sum((position + 1) * _VALUES[symbol] for position, symbol in enumerate(symbols))
    weight = len(symbols) + 1
    # c = -total / weight (mod 29); pow(weight, -1, 29) is the modular inverse.
    return ALPHABET[(-total * pow(weight, -1, MODULUS)) % MODULUS]


def format_reference(symbols: str) -> str:
    """``7KQ4MX2P`` -> ``SEM-7KQ4-MX2P``."""
    return f"{PREFIX}-{symbols[:4]}-{symbols[4:]}"


def new_reference() -> str:
    """A fresh random reference (uniqueness is the database's job)."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return format_reference(symbols + check_symbol(symbols))


def normalise_reference(text: str) -> str:
    """The canonical form of a reference someone typed or said, or MistypedReference.

    ``" sem 7kq4 mx2p "``, ``"7KQ4MX2P"`` and ``"SEM-7KQ4-MX2P"`` are all accepted.
    """
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if cleaned.startswith(PREFIX) and len(cleaned) == len(PREFIX) + RANDOM_SYMBOLS + 1:
        cleaned = cleaned[len(PREFIX) :]
    if len(cleaned) != RANDOM_SYMBOLS + 1:
        raise MistypedReference(
            "This reference is mistyped: a certificate reference looks like SEM-7KQ4-MX2P, "
            "with 8 letters and numbers after SEM. Please check it and try again."
        )
    unknown = sorted({ch for ch in cleaned if ch not in _VALUES})
    if unknown:
        raise MistypedReference(
            f"This reference is mistyped: references never contain {', '.join(unknown)}. "
            "They use the numbers 2 to 9 and letters other than I, L, O, U and Z. "
            "Please check it and try again."
        )
    if check_symbol(cleaned[:-1]) != cleaned[-1]:
        raise MistypedReference(
            "This reference is mistyped: its last character does not match the others, "
            "so one of them is wrong. Please check it against the certificate and try again."
        )
    return format_reference(cleaned)


def is_valid_reference(text: str) -> bool:
    try:
        normalise_reference(text)
    except MistypedReference:
        return False
    return True
