import pytest

from caseway.accounts.models import User


def test_it_stores_the_email_in_lower_case(db):
    user = User.objects.create_user(email="Amina.Diallo@Example.ORG", password="a long enough passphrase")

    assert user.email == "amina.diallo@example.org"


def test_it_finds_the_account_whatever_the_case(db):
    user = User.objects.create_user(email="amina@example.org")

    assert User.objects.get_by_natural_key("AMINA@EXAMPLE.ORG") == user


def test_it_gives_an_invited_account_no_usable_password(db):
    user = User.objects.create_user(email="invited@example.org")

    assert not user.has_usable_password()


def test_it_needs_an_email(db):
    with pytest.raises(ValueError):
        User.objects.create_user(email="")


def test_it_changes_the_session_hash_when_signing_out_everywhere(db):
    user = User.objects.create_user(email="amina@example.org", password="a long enough passphrase")
    before = user.get_session_auth_hash()

    user.sign_out_everywhere()

    user.refresh_from_db()
    assert user.get_session_auth_hash() != before


def test_it_changes_the_session_hash_when_the_password_changes(db):
    user = User.objects.create_user(email="amina@example.org", password="a long enough passphrase")
    before = user.get_session_auth_hash()

    user.set_password("another long passphrase")

    assert user.get_session_auth_hash() != before


def test_it_shows_the_name_or_else_the_email(db):
    assert str(User(email="a@example.org", display_name="Amina")) == "Amina"
    assert str(User(email="a@example.org")) == "a@example.org"
