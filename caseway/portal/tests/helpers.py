"""Clients with a portal account, made through the real services, and a signed-in portal client."""

import datetime

from django.urls import reverse
from django.utils import timezone

from caseway.casework.tests.appointment_helpers import a_client_case, member
from caseway.clients.models import ConsentPurpose
from caseway.clients.tests.factories import give_consent
from caseway.portal import services

PIN = "480613"  # not a pattern: accepted
OTHER_PIN = "739025"


def a_portal_case(personas, user=None, *, consent=True, **values):
    """A client of ``user``'s organization (caseworker A's) with a case, agreeing to use the portal."""
    user = user or personas.caseworker_a
    case = a_client_case(personas, user, **values)
    if consent:
        give_consent(
            case.client,
            ConsentPurpose.PORTAL,
            recorded_by=member(user),
            recipient=member(user).organization,
            recorded_at=timezone.now() - datetime.timedelta(minutes=5),
        )
    return case


def invite(personas, case, user=None) -> services.Invitation:
    user = user or personas.caseworker_a
    return services.invitation_create(actor=user, membership=member(user), case=case)


def an_account(personas, case=None, *, pin=PIN):
    """An active account (PIN chosen), and its case."""
    case = case or a_portal_case(personas)
    invitation = invite(personas, case)
    account = services.invitation_redeem(code=invitation.code, pin=pin, pin_again=pin)
    return account


def sign_in(client, account, *, pin=PIN, shared_device=False, follow=False):
    data = {"number": account.number, "pin": pin}
    if shared_device:
        data["shared_device"] = "on"
    return client.post(reverse("portal:login"), data, follow=follow)
