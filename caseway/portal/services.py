"""Every change to a portal account: invite, choose the PIN, sign in, lock.

- **Invite** (staff, on a case they may open): only when the client's consent to use the portal
  is in force. One account per client, tied to the inviting case; a new invitation withdraws the
  earlier ones. The code is shown once and only its keyed digest is kept.
- **Choose the PIN** with an invitation code (one use, ``PORTAL_INVITATION_DAYS``): it also resets
  a forgotten PIN and reopens an account the client locked. Every open session ends.
- **Sign in** with the number and the PIN. ``PORTAL_MAX_ATTEMPTS`` wrong PINs in a row lock the
  account for ``PORTAL_LOCKOUT_MINUTES``, doubled at each further lockout (at most a day); every
  attempt is kept for the client's own history. An unknown number costs the same hash as a wrong
  PIN and answers the same words, so nobody learns which numbers exist.
- **Second lock** (optional): an authenticator app's code after the PIN; wrong codes count with the
  wrong PINs; a code is never accepted twice.
- **Lock** ("someone else may be using my phone"): the client locks their own account in one tap;
  every session ends and the case's caseworker gets an alert to get in touch safely.

The client's actions are audited without an address (``request`` is not passed): where a survivor
connects from is not the log's business.
"""

import base64
import datetime
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP

from caseway import audit
from caseway.clients import access as client_access
from caseway.clients import consent
from caseway.clients.models import CaseAlert, ConsentPurpose
from caseway.lib.crypto import blind_index
from caseway.orgs.permissions import Action
from caseway.portal import pins
from caseway.portal.models import AddressFailure, PortalAccount, PortalInvitation, PortalSignIn

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud and typed on a keypad
CODE_LENGTH = 8
CLIENT_LABEL = "portal:client"
ADDRESS_MAX_FAILURES = 20  # from one network address (a whole office may share one) ...
ADDRESS_WINDOW = datetime.timedelta(minutes=15)  # ... within this time: then it waits as long
_DUMMY_HASH = None


class SignInRefused(Exception):
    """The sign-in failed; ``message`` says so in plain words, the same for every unknown number."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Invitation:
    account: PortalAccount
    code: str  # shown once, on the slip

    @property
    def code_for_reading(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"

    @property
    def number_for_reading(self) -> str:
        return format_number(self.account.number)


def format_number(number: str) -> str:
    return f"{number[:4]} {number[4:]}"


def normalize_code(code: str) -> str:
    return "".join(character for character in (code or "").upper() if character.isalnum())


def normalize_number(number: str) -> str:
    return "".join(character for character in pins.ascii_digits(number) if character in "0123456789")


def _code_digest(code: str) -> str:
    return blind_index(normalize_code(code), purpose="portal_invitation")


def _new_number() -> str:
    for _attempt in range(20):
        number = f"{secrets.randbelow(10**8):08d}"
        if number[0] != "0" and not PortalAccount.objects.filter(number=number).exists():
            return number
    raise RuntimeError("No free portal number found in 20 draws.")


def _audit(action, account, *, actor=None, request=None, fields=()):
    audit.record(
        actor,
        action,
        account,
        fields=fields,
        organization=account.case.organization_id,
        request=request,
        actor_label=None if actor is not None else CLIENT_LABEL,
    )


# ---------------------------------------------------------------------------------------------
# Staff


def may_invite(membership) -> bool:
    return membership is not None and membership.is_active and membership.allows(Action.VIEW_PERSONAL_DATA)


def account_of_case(case) -> PortalAccount | None:
    return PortalAccount.objects.filter(client_id=case.client_id).select_related("case").first()


def invitation_create(*, actor, membership, case, request=None) -> Invitation:
    """A new invitation for ``case``'s client (creating their account); earlier codes stop working."""
    if not may_invite(membership):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        case = client_access.get_case_for_update(membership, case.pk)
        if not consent.allows(case.client, ConsentPurpose.PORTAL, case.organization_id, at=now):
            raise ValidationError(
                _("The client has not agreed to use the portal. Record their consent first, then invite them.")
            )
        account = PortalAccount.objects.select_for_update().filter(client_id=case.client_id).first()
        if account is not None and account.case_id != case.pk:
            raise ValidationError(_("The client already has a portal account with another organization."))
        if account is None:
            account = PortalAccount.objects.create(
                client_id=case.client_id, case=case, number=_new_number(), data_key_id=case.client.data_key_id
            )
            _audit("portal.account_created", account, actor=actor, request=request)
        account.case = case
        PortalInvitation.objects.filter(account=account, used_at=None, withdrawn_at=None).update(withdrawn_at=now)
        code = "".join(secrets.choice(CODE_ALPHABET) for _index in range(CODE_LENGTH))
        PortalInvitation.objects.create(
            account=account,
            digest=_code_digest(code),
            created_by=actor,
            created_at=now,
            expires_at=now + datetime.timedelta(days=settings.PORTAL_INVITATION_DAYS),
        )
        _audit("portal.invitation_created", account, actor=actor, request=request)
    return Invitation(account=account, code=code)


# ---------------------------------------------------------------------------------------------
# The client


def _bad_code():
    return ValidationError({"code": _("This code does not work. Ask your caseworker for a new one.")})


def invitation_redeem(*, code, pin, pin_again, device="", shared_device=False) -> PortalAccount:
    """Set the PIN with an invitation code; the account is then active, its old sessions ended."""
    now = timezone.now()
    if len(normalize_code(code)) != CODE_LENGTH:
        raise _bad_code()
    chosen = pins.check_pin(pin, pin_again)
    with transaction.atomic():
        invitation = (
            PortalInvitation.objects.select_for_update()
            .select_related("account__client", "account__case")
            .filter(digest=_code_digest(code), used_at=None, withdrawn_at=None, expires_at__gt=now)
            .first()
        )
        if invitation is None:
            raise _bad_code()
        account = invitation.account
        if account.status == PortalAccount.Status.CLOSED or account.client.erased_at is not None:
            raise _bad_code()
        if not consent.allows(account.client, ConsentPurpose.PORTAL, account.case.organization_id, at=now):
            raise _bad_code()
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
        account.pin_hash = make_password(chosen)
        account.status = PortalAccount.Status.ACTIVE
        account.failed_attempts = 0
        account.lockouts = 0
        account.locked_until = None
        account.generation = secrets.token_hex(16)
        account.activated_at = account.activated_at or now
        account.save(
            update_fields=[
                "pin_hash",
                "status",
                "failed_attempts",
                "lockouts",
                "locked_until",
                "generation",
                "activated_at",
            ]
        )
        PortalSignIn.objects.create(
            account=account, at=now, outcome=PortalSignIn.Outcome.PIN_SET, device=device, shared_device=shared_device
        )
        _audit("portal.pin_set", account, fields=["pin"])
    return account


def _refusal():
    return SignInRefused(_("The number or the PIN is not right. Try again."))


def _address_digest(address: str) -> str:
    return blind_index(address or "unknown", purpose="portal_address")


def check_address(address: str, *, now=None) -> None:
    """SignInRefused when too many attempts failed from ``address`` lately (any number, any code)."""
    now = now or timezone.now()
    recent = AddressFailure.objects.filter(digest=_address_digest(address), at__gt=now - ADDRESS_WINDOW)
    if recent.count() >= ADDRESS_MAX_FAILURES:
        raise SignInRefused(_("Too many tries from this connection. Wait 15 minutes, then try again."))


def note_address_failure(address: str, *, now=None) -> None:
    now = now or timezone.now()
    # Every expired row goes, whichever address: nothing is kept beyond the window.
    AddressFailure.objects.filter(at__lte=now - ADDRESS_WINDOW).delete()
    AddressFailure.objects.create(digest=_address_digest(address), at=now)


def _lockout_length(lockouts: int) -> datetime.timedelta:
    minutes = settings.PORTAL_LOCKOUT_MINUTES * 2 ** max(lockouts - 1, 0)
    return datetime.timedelta(minutes=min(minutes, 24 * 60))


def sign_in(*, number, pin, device="", shared_device=False) -> PortalAccount:
    """The account, signed in; or SignInRefused (wrong PINs are counted and locked out)."""
    global _DUMMY_HASH
    now = timezone.now()
    refusal = None
    with transaction.atomic():
        account = (
            PortalAccount.objects.select_for_update()
            .select_related("case", "client")
            .filter(number=normalize_number(number))
            .first()
        )
        if account is None or account.status != PortalAccount.Status.ACTIVE or account.client.erased_at is not None:
            _DUMMY_HASH = _DUMMY_HASH or make_password(secrets.token_hex(8))
            check_password(pin or "", _DUMMY_HASH)  # the same time as a wrong PIN
            if account is not None and account.status == PortalAccount.Status.LOCKED:
                raise SignInRefused(_("This account is locked. Ask your caseworker for a new invitation code."))
            raise _refusal()
        if account.locked_until is not None and account.locked_until > now:
            PortalSignIn.objects.create(
                account=account, at=now, outcome=PortalSignIn.Outcome.REFUSED_LOCKED, device=device
            )
            minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
            refusal = SignInRefused(
                _("Too many wrong PINs. Wait %(minutes)d minutes, then try again.") % {"minutes": minutes}
            )
        elif not check_password(pins.ascii_digits(pin), account.pin_hash):
            _count_failure(account, now=now, outcome=PortalSignIn.Outcome.WRONG_PIN, device=device)
            refusal = _refusal()
        elif account.second_factor:
            account.needs_code = True  # the PIN was right; the count goes on until the code is
        else:
            _signed_in(account, now=now, device=device, shared_device=shared_device)
    # Raised after the block: the count of wrong PINs must be kept, not rolled back.
    if refusal is not None:
        raise refusal
    return account


def _signed_in(account, *, now, device, shared_device):
    account.failed_attempts = 0
    account.lockouts = 0
    account.locked_until = None
    account.save(update_fields=["failed_attempts", "lockouts", "locked_until"])
    PortalSignIn.objects.create(
        account=account, at=now, outcome=PortalSignIn.Outcome.SIGNED_IN, device=device, shared_device=shared_device
    )
    _audit("portal.signed_in", account)


def _count_failure(account, *, now, outcome, device) -> None:
    """A wrong PIN or code: counted, and the account locked for a while after too many."""
    account.failed_attempts += 1
    fields = ["failed_attempts"]
    if account.failed_attempts >= settings.PORTAL_MAX_ATTEMPTS:
        account.lockouts += 1
        account.failed_attempts = 0
        account.locked_until = now + _lockout_length(account.lockouts)
        fields += ["lockouts", "locked_until"]
        _audit("portal.locked_out", account)
    account.save(update_fields=fields)
    PortalSignIn.objects.create(account=account, at=now, outcome=outcome, device=device)


# ---------------------------------------------------------------------------------------------
# The second lock: an authenticator app's code after the PIN


def _totp(secret: str) -> TOTP:
    return TOTP(base64.b32decode(secret), step=30, digits=6)


def _accepted_step(secret: str, code: str, last_step) -> int | None:
    """The time step ``code`` belongs to (one step of drift either way), if never used; else None."""
    code = pins.ascii_digits(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = _totp(secret)
    now_step = totp.t()
    for step in (now_step - 1, now_step, now_step + 1):
        if last_step is not None and step <= last_step:
            continue
        totp.time = step * 30
        if totp.token() == int(code):
            return step
    return None


def second_factor_new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode()


def second_factor_uri(account, secret: str) -> str:
    """The otpauth URI for the app: the neutral site name, no number, no name."""
    label = quote(settings.PORTAL_SITE_NAME)
    return f"otpauth://totp/{label}?secret={secret}&issuer={label}&digits=6&period=30"


def second_factor_add(*, account, secret, code) -> bool:
    """Keep ``secret`` as the account's second lock if ``code`` comes from it; False otherwise."""
    with transaction.atomic():
        account = PortalAccount.objects.select_for_update().select_related("case").get(pk=account.pk)
        step = _accepted_step(secret, code, None)
        if step is None:
            return False
        account.second_factor = secret
        account.second_factor_step = step
        account.save(update_fields=["second_factor", "second_factor_step"])
        _audit("portal.second_factor_added", account, fields=["second_factor"])
    return True


def second_factor_remove(*, account, code) -> bool:
    """Take the second lock away, with a current code from it; False if the code is not right."""
    with transaction.atomic():
        account = PortalAccount.objects.select_for_update().select_related("case").get(pk=account.pk)
        if not account.second_factor or _accepted_step(account.second_factor, code, account.second_factor_step) is None:
            return False
        account.second_factor = None
        account.second_factor_step = None
        account.save(update_fields=["second_factor", "second_factor_step"])
        _audit("portal.second_factor_removed", account, fields=["second_factor"])
    return True


def sign_in_code(*, account_pk, code, device="", shared_device=False) -> PortalAccount:
    """The second step: the app's code after the right PIN. Wrong codes count like wrong PINs."""
    now = timezone.now()
    refusal = None
    with transaction.atomic():
        account = (
            PortalAccount.objects.select_for_update()
            .select_related("case", "client")
            .filter(pk=account_pk, status=PortalAccount.Status.ACTIVE, client__erased_at__isnull=True)
            .first()
        )
        if account is None or not account.second_factor:
            raise _refusal()
        if account.locked_until is not None and account.locked_until > now:
            raise SignInRefused(_("Too many wrong tries. Wait a while, then sign in again."))
        step = _accepted_step(account.second_factor, code, account.second_factor_step)
        if step is None:
            _count_failure(account, now=now, outcome=PortalSignIn.Outcome.WRONG_CODE, device=device)
            refusal = SignInRefused(_("This code is not right. Look at the app and type the new code."))
        else:
            account.second_factor_step = step
            account.save(update_fields=["second_factor_step"])
            _signed_in(account, now=now, device=device, shared_device=shared_device)
    if refusal is not None:
        raise refusal
    return account


def account_lock(*, account) -> PortalAccount:
    """The client locks their own account: sessions end, the caseworker is alerted."""
    now = timezone.now()
    with transaction.atomic():
        account = PortalAccount.objects.select_for_update().select_related("case").get(pk=account.pk)
        if account.status != PortalAccount.Status.ACTIVE:
            return account
        account.status = PortalAccount.Status.LOCKED
        account.locked_at = now
        account.generation = secrets.token_hex(16)
        account.save(update_fields=["status", "locked_at", "generation"])
        PortalSignIn.objects.create(account=account, at=now, outcome=PortalSignIn.Outcome.LOCKED_BY_CLIENT)
        # To the caseworker; a case without one alerts its supervisors.
        CaseAlert.objects.create(
            case=account.case,
            kind=CaseAlert.Kind.PORTAL_LOCKED,
            audience=CaseAlert.Audience.CASEWORKER if account.case.caseworker_id else CaseAlert.Audience.SUPERVISOR,
            assigned_to=account.case.caseworker,
            is_task=True,
            due_at=now,
            created_at=now,
        )
        _audit("portal.locked_by_client", account)
    return account


def consent_withdraw(*, account, consent_pk) -> PortalAccount:
    """The client withdraws one of their agreements. Withdrawing the agreement to use the portal
    itself closes the account (every session ends); a new agreement and a new code reopen it."""
    with transaction.atomic():
        answer = consent.consent_revoke_by_client(
            client=account.client, consent_pk=consent_pk, actor_label=CLIENT_LABEL
        )
        if answer.purpose == ConsentPurpose.PORTAL and answer.recipient_id == account.case.organization_id:
            account = PortalAccount.objects.select_for_update().select_related("case").get(pk=account.pk)
            account.status = PortalAccount.Status.CLOSED
            account.generation = secrets.token_hex(16)
            account.save(update_fields=["status", "generation"])
            _audit("portal.closed_by_client", account)
    return account
