import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("That email address and password do not match an account. Check both and try again."),
        "inactive": _("This account is not active. Ask your agency admin."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnrollmentForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class ReauthenticationForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    token = CodeForm.base_fields["token"]


class PasswordChangeForm(SetPasswordForm):
    """Re-authentication already proved the old password, so it is not asked again."""


class PasswordResetForm(DjangoPasswordResetForm):
    """Also sends a link to an invited member who never set a password (their invitation expired).

    Django leaves out accounts without a usable password, meant for accounts that sign in
    elsewhere; here such an account is always an invitation not taken up yet.
    """

    def get_users(self, email):
        candidates = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        # The same exact comparison Django makes, so look-alike Unicode addresses never match.
        return (user for user in candidates if _same_email(email, user.email))


def _same_email(one: str, other: str) -> bool:
    return unicodedata.normalize("NFKC", one).casefold() == unicodedata.normalize("NFKC", other).casefold()
