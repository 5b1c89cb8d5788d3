"""Client codes: random, unique in practice, valid, and every typing slip caught."""

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseway.clients import codes

FORMAT = re.compile(r"^[23456789CDFHJKMNPQRTVWX]{5}-[23456789CDFHJKMNPQRTVWX]{5}$")


def compact(code):
    return code.replace("-", "")


def test_it_uses_a_prime_alphabet_without_look_alikes_or_vowels():
    assert len(codes.ALPHABET) == 23
    assert all(23 % divisor for divisor in range(2, 23))
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET)
    assert not set(codes.ALPHABET) & set("0O1ILAEIOUY")
    assert not set(codes.ALPHABET) & set(codes.LOOK_ALIKES)
    assert set(codes.LOOK_ALIKES.values()) <= set(codes.ALPHABET)


def test_it_makes_10_000_unique_valid_codes():
    made = [codes.new_code() for _ in range(10_000)]
    assert len(set(made)) == len(made)
    assert all(FORMAT.match(code) for code in made)
    assert all(codes.is_valid(code) for code in made)
    assert all(codes.normalize(code) == code for code in made)


def test_it_uses_every_character_of_the_alphabet():
    seen = set("".join(compact(codes.new_code()) for _ in range(500)))
    assert seen == set(codes.ALPHABET)


def test_it_fits_the_client_code_field():
    assert len(codes.new_code()) == codes.FORMATTED_LENGTH <= 16


def _sample_code(rng) -> str:
    payload = "".join(rng.choice(codes.ALPHABET) for _ in range(codes.PAYLOAD_LENGTH))
    return codes._format(payload + codes.check_character(payload))


# Drawn from a fixed seed: pytest-xdist workers must collect the same parameters.
SAMPLE = [_sample_code(random.Random(2026 + n)) for n in range(200)]


@pytest.mark.parametrize("code", SAMPLE[:100])
def test_it_detects_every_single_substitution(code):
    characters = compact(code)
    for position, original in enumerate(characters):
        for replacement in codes.ALPHABET:
            if replacement != original:
                typo = characters[:position] + replacement + characters[position + 1 :]
                assert not codes.is_valid(typo), (code, position, replacement)


@pytest.mark.parametrize("code", SAMPLE[100:])
def test_it_detects_every_transposition(code):
    characters = compact(code)
    for first in range(len(characters)):
        for second in range(first + 1, len(characters)):
            if characters[first] != characters[second]:
                swapped = list(characters)
                swapped[first], swapped[second] = swapped[second], swapped[first]
                assert not codes.is_valid("".join(swapped)), (code, first, second)


def test_it_detects_every_adjacent_transposition_and_twin_error_of_any_payload_pair():
    """Exhaustive over the check-digit arithmetic: every pair of distinct characters, at every position."""
    base = "2" * codes.PAYLOAD_LENGTH
    code = base + codes.check_character(base)
    for position in range(codes.LENGTH - 1):
        for a in codes.ALPHABET:
            for b in codes.ALPHABET:
                if a == b:
                    continue
                with_pair = code[:position] + a + b + code[position + 2 :]
                pair_valid = codes.is_valid(with_pair)
                swapped = code[:position] + b + a + code[position + 2 :]
                assert not (pair_valid and codes.is_valid(swapped)), (position, a, b)
                twins_a = code[:position] + a + a + code[position + 2 :]
                twins_b = code[:position] + b + b + code[position + 2 :]
                assert not (codes.is_valid(twins_a) and codes.is_valid(twins_b)), (position, a, b)


@given(
    payload=st.text(alphabet=codes.ALPHABET, min_size=9, max_size=9),
    position=st.integers(min_value=0, max_value=9),
    replacement=st.sampled_from(codes.ALPHABET),
)
def test_it_detects_any_substitution_in_any_code(payload, position, replacement):
    code = payload + codes.check_character(payload)
    assert codes.is_valid(code)
    typo = code[:position] + replacement + code[position + 1 :]
    assert codes.is_valid(typo) == (typo == code)


@given(
    code=st.builds(
        lambda payload: payload + codes.check_character(payload), st.text(codes.ALPHABET, min_size=9, max_size=9)
    ),
    separators=st.lists(st.sampled_from(["", " ", "-", "  ", "–", ".", "\u00a0"]), min_size=10, max_size=10),
    lower=st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_it_normalizes_what_people_type_back_to_the_code(code, separators, lower):
    typed = "".join(
        separator + (char.lower() if low else char)
        for char, separator, low in zip(code, separators, lower, strict=True)
    )
    assert codes.normalize(typed) == code[:5] + "-" + code[5:]


def test_it_normalizes_the_common_ways_of_writing_a_code():
    code = codes.new_code()
    assert codes.normalize(code.lower()) == code
    assert codes.normalize(" " + compact(code) + " ") == code
    assert codes.normalize(" ".join(compact(code))) == code
    assert codes.normalize(code.replace("-", " – ")) == code


def test_it_reads_excluded_letters_as_the_digits_they_look_like():
    payload = "55228866C"
    code = codes.normalize(payload + codes.check_character(payload))
    assert codes.normalize("SS" + "ZZ" + "BB" + "GG" + "C" + code[-1]) == code
    assert codes.normalize("ss-zz-bb-gg-c" + code[-1].lower()) == code


def test_it_reads_digits_of_any_script():
    payload = "234567892"
    code = codes.normalize(payload + codes.check_character(payload))
    arabic_indic = "".join(chr(0x0660 + int(char)) for char in compact(code)[:-1]) + code[-1]
    full_width = "".join(chr(0xFF10 + int(char)) for char in compact(code)[:-1]) + code[-1]
    assert codes.normalize(arabic_indic) == code
    assert codes.normalize(full_width) == code


@pytest.mark.parametrize(
    ("char", "message"),
    [("O", "letter O"), ("0", "digit 0"), ("I", "digit 1"), ("1", "digit 1"), ("l", "I and L"), ("A", "vowels")],
)
def test_it_refuses_characters_that_are_never_in_a_code(char, message):
    code = compact(codes.new_code())
    with pytest.raises(codes.InvalidCode, match=message) as raised:
        codes.normalize(code[:4] + char + code[5:])
    assert raised.value.reason == "character"


def test_it_refuses_other_symbols():
    with pytest.raises(codes.InvalidCode, match="“#”") as raised:
        codes.normalize("K7MQX#4DP94")
    assert raised.value.reason == "character"


def test_it_refuses_a_code_of_the_wrong_length():
    code = compact(codes.new_code())
    for text in (code[:-1], code + "2", ""):
        with pytest.raises(codes.InvalidCode, match="10 characters") as raised:
            codes.normalize(text)
        assert raised.value.reason == "length"


def test_it_refuses_a_wrong_check_character():
    code = codes.new_code()
    wrong = next(char for char in codes.ALPHABET if char != code[-1])
    with pytest.raises(codes.InvalidCode, match="mistyped") as raised:
        codes.normalize(code[:-1] + wrong)
    assert raised.value.reason == "check"


@pytest.mark.parametrize("value", [None, 12345, b"K7MQX-4DP94", ""])
def test_it_says_invalid_for_what_is_not_a_code(value):
    assert codes.is_valid(value) is False


def test_it_computes_check_characters_only_for_nine_alphabet_characters():
    with pytest.raises(ValueError):
        codes.check_character("K7MQX4DP")
    with pytest.raises(ValueError):
        codes.check_character("K7MQX4DP0")


def test_it_spells_a_code_for_the_phone():
    assert codes.is_valid("K7MQX-4DP94")
    assert codes.spoken("k7mqx 4dp94") == "Kilo seven Mike Quebec X-ray — four Delta Papa nine four"


def test_it_has_a_word_for_every_character():
    code = codes.new_code()
    words = codes.spoken(code).replace(" — ", " ").split(" ")
    assert len(words) == codes.LENGTH
    assert set(codes.NATO) == {char for char in codes.ALPHABET if char.isalpha()}


def test_it_spells_only_valid_codes():
    with pytest.raises(codes.InvalidCode):
        codes.spoken("K7MQX-4DP95")
