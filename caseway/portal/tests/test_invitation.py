import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.clients.erasure import client_erase
from caseway.clients.models import ConsentPurpose
from caseway.clients.tests.factories import give_consent
from caseway.portal import services
from caseway.portal.models import PortalAccount, PortalInvitation, PortalSignIn
from caseway.portal.tests.helpers import PIN, a_portal_case, an_account, invite

pytestmark = pytest.mark.django_db


def test_it_creates_the_account_with_a_number_and_a_code_kept_only_as_a_digest(personas):
    case = a_portal_case(personas)
    invitation = invite(personas, case)
    account = invitation.account
    assert account.status == PortalAccount.Status.INVITED
    assert account.case == case and account.client_id == case.client_id
    assert len(account.number) == 8 and account.number.isdigit()
    assert len(invitation.code) == 8 and set(invitation.code) <= set(services.CODE_ALPHABET)
    stored = PortalInvitation.objects.get(account=account)
    assert invitation.code not in stored.digest
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM portal_portalinvitation")
        assert invitation.code not in repr(cursor.fetchall())
    assert AuditEvent.objects.filter(action="portal.invitation_created", target_id=str(account.pk)).count() == 1


def test_it_needs_the_clients_consent_to_the_portal(personas):
    case = a_portal_case(personas, consent=False)
    with pytest.raises(ValidationError) as error:
        invite(personas, case)
    assert "has not agreed to use the portal" in error.value.messages[0]
    assert not PortalAccount.objects.exists()


def test_it_refuses_when_the_consent_was_revoked(personas):
    case = a_portal_case(personas, consent=False)
    give_consent(
        case.client,
        ConsentPurpose.PORTAL,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_a,
        recorded_at=timezone.now() - datetime.timedelta(days=2),
        revoked_at=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        invite(personas, case)


def test_it_refuses_roles_without_personal_data(personas):
    case = a_portal_case(personas)
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=personas.admin_a, membership=member(personas.admin_a), case=case)


def test_another_organization_cannot_invite_for_the_case(personas):
    case = a_portal_case(personas)
    from django.http import Http404

    with pytest.raises(Http404):
        services.invitation_create(actor=personas.caseworker_b, membership=member(personas.caseworker_b), case=case)


def test_a_new_code_withdraws_the_earlier_one(personas):
    case = a_portal_case(personas)
    first = invite(personas, case)
    second = invite(personas, case)
    assert first.account.pk == second.account.pk and first.account.number == second.account.number
    with pytest.raises(ValidationError) as error:
        services.invitation_redeem(code=first.code, pin=PIN, pin_again=PIN)
    assert error.value.message_dict == {"code": ["This code does not work. Ask your caseworker for a new one."]}
    account = services.invitation_redeem(code=second.code, pin=PIN, pin_again=PIN)
    assert account.status == PortalAccount.Status.ACTIVE


def test_it_sets_the_pin_once_per_code(personas):
    case = a_portal_case(personas)
    invitation = invite(personas, case)
    account = services.invitation_redeem(code=invitation.code.lower(), pin=PIN, pin_again=PIN)
    assert account.status == PortalAccount.Status.ACTIVE and account.activated_at is not None
    assert account.pin_hash.startswith("argon2") and PIN not in account.pin_hash
    assert account.sign_ins.get().outcome == PortalSignIn.Outcome.PIN_SET
    with pytest.raises(ValidationError):
        services.invitation_redeem(code=invitation.code, pin="739025", pin_again="739025")


def test_an_expired_code_does_not_work(personas):
    case = a_portal_case(personas)
    invitation = invite(personas, case)
    PortalInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError):
        services.invitation_redeem(code=invitation.code, pin=PIN, pin_again=PIN)


def test_a_bad_pin_keeps_the_code_usable(personas):
    case = a_portal_case(personas)
    invitation = invite(personas, case)
    with pytest.raises(ValidationError):
        services.invitation_redeem(code=invitation.code, pin="123456", pin_again="123456")
    assert services.invitation_redeem(code=invitation.code, pin=PIN, pin_again=PIN).status == "active"


def test_a_code_stops_working_when_the_consent_is_revoked(personas):
    case = a_portal_case(personas)
    invitation = invite(personas, case)
    from caseway.clients.models import Consent

    Consent.objects.filter(purpose=ConsentPurpose.PORTAL).update(revoked_at=timezone.now())
    with pytest.raises(ValidationError):
        services.invitation_redeem(code=invitation.code, pin=PIN, pin_again=PIN)


def test_an_erased_client_cannot_use_a_code(personas):
    case = a_portal_case(personas)
    invitation = invite(personas, case)
    client_erase(actor=None, organization_id=personas.org_a.pk, client_id=case.client_id, reason="test")
    with pytest.raises(ValidationError):
        services.invitation_redeem(code=invitation.code, pin=PIN, pin_again=PIN)


def test_a_second_organization_cannot_take_the_account_over(personas):
    account = an_account(personas)
    from caseway.clients.tests.factories import a_case

    # The same client with a case at organization B (as after a referral).
    other = a_case(member(personas.caseworker_b))
    other.client = account.client
    other.save(update_fields=["client"])
    give_consent(
        account.client, ConsentPurpose.PORTAL, recorded_by=member(personas.caseworker_b), recipient=personas.org_b
    )
    with pytest.raises(ValidationError) as error:
        invite(personas, other, user=personas.caseworker_b)
    assert "another organization" in error.value.messages[0]
