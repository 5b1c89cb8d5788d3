"""NIST SP 800-63B: at least 12 characters, at most 128, not a common password, no composition rules."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError

from caseway.accounts.forms import PasswordChangeForm
from caseway.accounts.passwords import MaximumLengthValidator
from caseway.tests.personas import make_user


def _errors(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_it_refuses_eleven_characters():
    assert "password_too_short" in _errors("tq8vmw3kzp2")


def test_it_accepts_twelve_characters():
    assert _errors("tq8vmw3kzp2x") == []


def test_it_accepts_one_hundred_and_twenty_eight_characters():
    assert _errors("tq8vmw3kzp2x" * 10 + "abcdefgh") == []
    assert len("tq8vmw3kzp2x" * 10 + "abcdefgh") == 128


def test_it_refuses_one_hundred_and_twenty_nine_characters():
    password = "tq8vmw3kzp2x" * 10 + "abcdefghi"
    assert len(password) == 129

    assert _errors(password) == ["password_too_long"]


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "123456789123", "PASSWORD1234"])
def test_it_refuses_a_common_password(password):
    assert "password_too_common" in _errors(password)


def test_it_has_no_composition_rule():
    assert _errors("quietriverstones") == []
    assert _errors("QUIETRIVERSTONES") == []
    assert _errors("walking in the rain") == []


def test_it_accepts_any_character():
    assert _errors("ناموس خیلی طولانی است") == []
    assert _errors("mot de passe très sûr 🙂") == []


def test_it_refuses_a_password_like_the_email(db):
    user = make_user("marguerite.okonkwo@example.org", with_second_factor=False)

    assert "password_too_similar" in _errors("marguerite.okonkwo", user)


def test_it_explains_the_maximum():
    assert MaximumLengthValidator().get_help_text() == "Your password can contain up to 128 characters."
    assert any("128" in text for text in password_validators_help_texts())


def test_it_applies_the_rules_when_a_password_is_set(db):
    user = make_user("someone@example.org", with_second_factor=False)

    short = PasswordChangeForm(user, {"new_password1": "tq8vmw3kzp2", "new_password2": "tq8vmw3kzp2"})
    long_enough = PasswordChangeForm(user, {"new_password1": "tq8vmw3kzp2x", "new_password2": "tq8vmw3kzp2x"})

    assert not short.is_valid()
    assert long_enough.is_valid()


def test_it_lets_the_sign_in_form_take_the_longest_password(client, db):
    password = "tq8vmw3kzp2x" * 10 + "abcdefgh"
    user = make_user("longest@example.org", with_second_factor=False)
    user.set_password(password)
    user.save()

    response = client.post("/accounts/login/", {"username": user.email, "password": password})

    assert response.status_code == 302
