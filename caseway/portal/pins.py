"""What makes a PIN acceptable: six digits or more, and not one of the PINs people guess first.

The refused PINs follow the studies of leaked PIN sets (Bonneau et al. 2012; Wang et al. 2017):
the same digit repeated, straight runs up or down, a repeated pair or triple, a mirrored half,
and the common keypad patterns. Guessing is also slowed by the lockout (services.py).
"""

import itertools
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 6
MAX_LENGTH = 12
KEYPAD_PATTERNS = frozenset({"147258", "258369", "159357", "147369", "789456", "456123", "741852", "852963", "142536"})
OFTEN_CHOSEN = frozenset({"112233", "123321", "121212", "131313", "101010", "696969", "159753", "102030", "520520"})


def _is_run(pin: str) -> bool:
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    return steps in ({1}, {9}, {0})


def _repeats_a_block(pin: str) -> bool:
    return any(len(pin) % size == 0 and pin == pin[:size] * (len(pin) // size) for size in (2, 3, 4))


def _is_mirrored(pin: str) -> bool:
    half = len(pin) // 2
    return len(pin) % 2 == 0 and pin[half:] == pin[:half][::-1]


def is_common(pin: str) -> bool:
    return (
        _is_run(pin)
        or _repeats_a_block(pin)
        or _is_mirrored(pin)
        or pin[:6] in KEYPAD_PATTERNS
        or pin in KEYPAD_PATTERNS | OFTEN_CHOSEN
    )


def ascii_digits(value: str) -> str:
    """Digits typed in any script (a phone set to Arabic types ٤٨٠) as 0-9; anything else kept as it is."""
    return "".join(str(unicodedata.decimal(character, "")) or character for character in (value or "").strip())


def check_pin(pin: str, repeated: str) -> str:
    """The PIN (digits 0-9), or ValidationError naming the field and saying what to change, in plain words."""
    pin = ascii_digits(pin)
    if not pin.isdigit() or not pin.isascii():
        raise ValidationError({"pin": _("Use numbers only.")})
    if len(pin) < MIN_LENGTH:
        raise ValidationError({"pin": _("Use at least %(count)d numbers.") % {"count": MIN_LENGTH}})
    if len(pin) > MAX_LENGTH:
        raise ValidationError({"pin": _("Use at most %(count)d numbers.") % {"count": MAX_LENGTH}})
    if is_common(pin):
        raise ValidationError({"pin": _("This PIN is too easy to guess. Choose other numbers.")})
    if pin != ascii_digits(repeated):
        raise ValidationError({"pin_again": _("The two PINs are not the same. Type it again.")})
    return pin
