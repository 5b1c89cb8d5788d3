"""Pseudonymous client codes, such as ``K7MQX-4DP94``: random, short, hard to mistype, checkable.

- **Alphabet** of 23 characters, ``23456789CDFHJKMNPQRTVWX``: no 0/O, 1/I/L, no vowels (A E I O U,
  nor Y) so no words can form, and no S, Z, B or G, which are read as 5, 2, 8 and 6 — so those
  letters, when typed, can be read back as the digits they resemble.
- **Nine random characters** from ``secrets`` (23⁹ ≈ 1.8 × 10¹², about 41 bits), then **one check
  character**, shown as two groups of five.
- **Check character**: weighted sum modulo 23 (a prime, the size of the alphabet). With values
  v₁…v₁₀ (the check last), Σ i·vᵢ ≡ 0 (mod 23). Weights 1…10 are distinct and non-zero modulo 23,
  so every single substitution (i·Δ ≢ 0) and every transposition, adjacent or not
  ((j − i)·Δ ≢ 0), is detected, as are twin errors (aa → bb).

Codes are not secret credentials (the portal pairs them with a PIN and locks out guessing), but
they reveal nothing and cannot be enumerated. They are unique only with the database's help:
``new_code()`` may, rarely, repeat an existing code, and the caller retries on the unique
constraint.
"""

import secrets
import unicodedata

from django.utils.translation import gettext

ALPHABET = "23456789CDFHJKMNPQRTVWX"
MODULUS = len(ALPHABET)  # 23, prime
PAYLOAD_LENGTH = 9
LENGTH = PAYLOAD_LENGTH + 1
GROUPS = (5, 5)
SEPARATOR = "-"
FORMATTED_LENGTH = LENGTH + len(GROUPS) - 1

_VALUES = {char: value for value, char in enumerate(ALPHABET)}
# Excluded letters that look like exactly one allowed digit.
LOOK_ALIKES = {"S": "5", "Z": "2", "B": "8", "G": "6"}
_IGNORED = frozenset(" \t\n\r-_.·/\u00a0\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u202f\u2009\u200b")

NATO = {
    "C": "Charlie",
    "D": "Delta",
    "F": "Foxtrot",
    "H": "Hotel",
    "J": "Juliett",
    "K": "Kilo",
    "M": "Mike",
    "N": "November",
    "P": "Papa",
    "Q": "Quebec",
    "R": "Romeo",
    "T": "Tango",
    "V": "Victor",
    "W": "Whiskey",
    "X": "X-ray",
}


class InvalidCode(ValueError):
    """Text that is not a client code; the message (translated) says why, for the person typing it.

    ``reason``: ``character``, ``length`` or ``check``."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


def _check_value(payload: str) -> int:
    total = sum(weight * _VALUES[char] for weight, char in enumerate(payload, 1))
    # (total + LENGTH · check) ≡ 0  ⇒  check ≡ −total · LENGTH⁻¹
    return (-total * pow(LENGTH, -1, MODULUS)) % MODULUS


def check_character(payload: str) -> str:
    """The check character of nine code characters."""
    if len(payload) != PAYLOAD_LENGTH or any(char not in _VALUES for char in payload):
        raise ValueError(f"expected {PAYLOAD_LENGTH} characters of {ALPHABET}")
    return ALPHABET[_check_value(payload)]


def _format(compact: str) -> str:
    parts, start = [], 0
    for size in GROUPS:
        parts.append(compact[start : start + size])
        start += size
    return SEPARATOR.join(parts)


def new_code() -> str:
    """A new random code, formatted (``K7MQX-4DP94``)."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD_LENGTH))
    return _format(payload + check_character(payload))


def _refusal(char: str) -> InvalidCode:
    if char in "0O":
        message = gettext("Client codes contain neither the letter O nor the digit 0.")
    elif char in "1IL":
        message = gettext("Client codes contain neither the letters I and L nor the digit 1.")
    elif char in "AEUY":
        message = gettext("Client codes contain no vowels (A, E, I, O, U, Y).")
    else:
        message = gettext("“%(char)s” is not used in client codes.") % {"char": char}
    return InvalidCode(message, reason="character")


def _char(char: str) -> str:
    if char.isdecimal():  # any script's digits: Arabic-Indic, Persian, full-width...
        return str(unicodedata.decimal(char))
    return unicodedata.normalize("NFKC", char).upper()


def normalize(text: str) -> str:
    """The canonical form of a typed or read code, or ``InvalidCode``.

    Accepts lower case, spaces, dashes and dots anywhere, digits of any script, and S, Z, B, G for
    5, 2, 8, 6. Refuses O/0, I/L/1 and vowels (they are never in a code: which one was meant cannot
    be known), a wrong length, and a wrong check character (a mistyped code).
    """
    if not isinstance(text, str):
        raise InvalidCode(gettext("A client code is text."), reason="character")
    compact = []
    for raw in text:
        if raw in _IGNORED or raw.isspace():
            continue
        for char in _char(raw):
            char = LOOK_ALIKES.get(char, char)
            if char not in _VALUES:
                raise _refusal(char)
            compact.append(char)
    if len(compact) != LENGTH:
        raise InvalidCode(
            gettext("A client code has %(expected)d characters, not %(count)d.")
            % {"expected": LENGTH, "count": len(compact)},
            reason="length",
        )
    code = "".join(compact)
    if check_character(code[:PAYLOAD_LENGTH]) != code[-1]:
        raise InvalidCode(gettext("This client code is not valid: a character is probably mistyped."), reason="check")
    return _format(code)


def is_valid(code: str) -> bool:
    """Whether ``code`` is a client code, in any form ``normalize`` accepts."""
    try:
        normalize(code)
    except InvalidCode:
        return False
    return True


def spoken(code: str) -> str:
    """The code to read aloud on the phone: NATO words for letters, digits as words, groups apart.

    ``spoken("K7MQX-4DP94")`` → ``"Kilo seven Mike Quebec X-ray — four Delta Papa nine four"``.
    Digits are said in the active language; the NATO words are the same everywhere.
    """
    digits = {
        "2": gettext("two"),
        "3": gettext("three"),
        "4": gettext("four"),
        "5": gettext("five"),
        "6": gettext("six"),
        "7": gettext("seven"),
        "8": gettext("eight"),
        "9": gettext("nine"),
    }
    groups = normalize(code).split(SEPARATOR)
    return " — ".join(" ".join(NATO.get(char) or digits[char] for char in group) for group in groups)
