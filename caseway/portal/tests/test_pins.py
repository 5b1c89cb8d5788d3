import pytest
from django.core.exceptions import ValidationError

from caseway.portal.pins import check_pin


@pytest.mark.parametrize("pin", ["480613", "9274015", "530871426193"])
def test_it_accepts_six_to_twelve_digits_that_are_no_pattern(pin):
    assert check_pin(pin, pin) == pin


@pytest.mark.parametrize(
    "pin",
    [
        "000000",  # one digit repeated
        "123456",  # a run up
        "987654",  # a run down
        "890123",  # a run up through 0
        "121212",  # a pair repeated
        "123123",  # a triple repeated
        "12341234",  # a block of four repeated
        "123321",  # mirrored
        "147258",  # a keypad column walk
        "159357",  # keypad diagonals
        "112233",  # often chosen
        "696969",
    ],
)
def test_it_refuses_pins_people_guess_first(pin):
    with pytest.raises(ValidationError) as error:
        check_pin(pin, pin)
    assert error.value.message_dict == {"pin": ["This PIN is too easy to guess. Choose other numbers."]}


@pytest.mark.parametrize(
    ("pin", "message"),
    [
        ("48061", "Use at least 6 numbers."),
        ("4806131234567", "Use at most 12 numbers."),
        ("48o613", "Use numbers only."),
        ("", "Use numbers only."),
    ],
)
def test_it_says_what_to_change(pin, message):
    with pytest.raises(ValidationError) as error:
        check_pin(pin, pin)
    assert error.value.message_dict == {"pin": [message]}


def test_it_asks_for_the_same_pin_twice():
    with pytest.raises(ValidationError) as error:
        check_pin("480613", "480631")
    assert error.value.message_dict == {"pin_again": ["The two PINs are not the same. Type it again."]}


def test_it_reads_digits_typed_in_arabic_as_the_same_pin():
    assert check_pin("٤٨٠٦١٣", "480613") == "480613"
