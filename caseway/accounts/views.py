import time
from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from caseway.accounts import services
from caseway.accounts.decorators import reauthentication_required
from caseway.accounts.forms import (
    CodeForm,
    EmailAuthenticationForm,
    EnrollmentForm,
    PasswordChangeForm,
    PasswordResetForm,
    ReauthenticationForm,
)
from caseway.accounts.middleware import SESSION_STARTED_AT, second_factor_exempt
from caseway.lib.access import authenticated, public


def _safe_next(request, default="home"):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def _with_next(url_name, next_url):
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def form_valid(self, form):
        response_next = self.get_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
        super().form_valid(form)
        self.request.session[SESSION_STARTED_AT] = time.time()
        step = "accounts:verify" if services.has_confirmed_second_factor(form.get_user()) else "accounts:enroll"
        return redirect(_with_next(step, response_next))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired") == "1"
        return context


login_view = public(second_factor_exempt(sensitive_post_parameters("password")(LoginView.as_view())))


@public
@second_factor_exempt
def locked_out(request, credentials=None, *args, **kwargs):
    """Shown by django-axes when this address has failed too often for this account."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@require_POST
@second_factor_exempt
@authenticated
def logout_view(request):
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@never_cache
@second_factor_exempt
@authenticated
def verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_safe_next(request))
    if not services.has_confirmed_second_factor(user):
        return redirect(_with_next("accounts:enroll", _safe_next(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.second_factor_verify(actor=user, request=request, token=form.cleaned_data["token"]):
            return redirect(_safe_next(request))
        form.add_error("token", _("That code is not right, or it was used already. Wait for a new code and try again."))
    return render(request, "accounts/verify.html", {"form": form, "next": _safe_next(request)})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@never_cache
@second_factor_exempt
@authenticated
def enroll(request):
    user = request.user
    if services.has_confirmed_second_factor(user):
        if not user.is_verified():
            return redirect(_with_next("accounts:verify", _safe_next(request)))
        # Replacing a working authenticator is a sensitive operation: a stolen session must not
        # be able to swap in its own and keep the account.
        if not services.recently_reauthenticated(request, settings.REAUTH_MAX_AGE):
            return redirect(_with_next("accounts:reauthenticate", request.get_full_path()))
    if request.method == "POST":
        form = EnrollmentForm(request.POST)
        if form.is_valid():
            codes = services.totp_enrollment_confirm(actor=user, request=request, token=form.cleaned_data["token"])
            if codes is not None:
                return render(request, "accounts/backup_codes.html", {"codes": codes, "next": _safe_next(request)})
            form.add_error("token", _("That code does not match. Check the time on your phone and try again."))
        device = user.totpdevice_set.filter(confirmed=False).first() or services.totp_enrollment_start(actor=user)
    else:
        form = EnrollmentForm()
        device = services.totp_enrollment_start(actor=user)
    context = {
        "form": form,
        "secret": device.config_url.split("secret=")[1].split("&")[0],
        "qr_svg": _qr_svg(device.config_url),
        "next": _safe_next(request),
    }
    return render(request, "accounts/enroll.html", context)


@never_cache
@authenticated
def reauthenticate(request):
    form = ReauthenticationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.reauthentication_confirm(
            actor=request.user,
            request=request,
            password=form.cleaned_data["password"],
            token=form.cleaned_data["token"],
        ):
            return redirect(_safe_next(request))
        form.add_error(None, _("The password or the code is not right. Try again."))
    return render(request, "accounts/reauthenticate.html", {"form": form, "next": _safe_next(request)})


reauthenticate = sensitive_post_parameters("password")(reauthenticate)


@authenticated
def account(request):
    context = {
        "memberships": request.user.memberships.select_related("organization").filter(is_active=True),
        "backup_codes_remaining": services.backup_codes_remaining(request.user),
    }
    return render(request, "accounts/account.html", context)


@require_POST
@authenticated
@reauthentication_required(return_to="accounts:account")
def backup_codes_regenerate(request):
    codes = services.backup_codes_regenerate(actor=request.user, request=request)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("accounts:account")})


@require_POST
@authenticated
def sign_out_everywhere(request):
    services.sessions_end_everywhere(actor=request.user, request=request)
    messages.success(request, _("You are signed out on every device."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@sensitive_post_parameters()
@authenticated
@reauthentication_required(return_to="accounts:password_change")
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(actor=request.user, request=request, new_password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your password is changed. Other devices are signed out."))
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


password_reset = public(
    second_factor_exempt(
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        )
    )
)
password_reset_done = public(
    second_factor_exempt(auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"))
)
password_reset_confirm = public(
    second_factor_exempt(
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        )
    )
)
password_reset_complete = public(
    second_factor_exempt(
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
    )
)
