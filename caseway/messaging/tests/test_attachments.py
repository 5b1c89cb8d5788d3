import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.lib.tests.test_uploads import a_jpeg_with_gps, a_pdf, a_zip
from caseway.messaging.models import Attachment, Message
from caseway.portal.tests.helpers import an_account, sign_in
from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral

pytestmark = pytest.mark.django_db


def _portal(personas):
    account = an_account(personas)
    portal = Client()
    sign_in(portal, account)
    return account, portal


def test_the_client_sends_a_photo_kept_clean_and_the_team_opens_it(personas, login_as):
    account, portal = _portal(personas)
    response = portal.post(
        reverse("portal:messages"), {"body": "", "file": SimpleUploadedFile("me.jpg", a_jpeg_with_gps())}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg" and b"FictionalCam" not in attachment.content
    assert attachment.data_key_id == account.client.data_key_id
    assert portal.get(reverse("portal:attachment", args=[attachment.pk])).content == attachment.content

    staff = login_as(personas.caseworker_a)
    page = staff.get(reverse("portal_staff:case_portal", args=[account.case.pk])).content.decode()
    url = reverse("portal_staff:case_attachment", args=[account.case.pk, attachment.pk])
    assert url in page
    download = staff.get(url)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(action="messaging.attachment_read").count() == 1
    assert login_as(personas.caseworker_b).get(url).status_code == 404


def test_a_file_with_another_hidden_inside_is_refused_and_nothing_is_sent(personas):
    _account, portal = _portal(personas)
    response = portal.post(
        reverse("portal:messages"),
        {"body": "Here", "file": SimpleUploadedFile("me.jpg", a_jpeg_with_gps() + a_zip())},
    )
    assert response.status_code == 200
    assert "This file has another file hidden inside" in response.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_another_clients_attachment_is_404(personas, login_as):
    account, _portal_client = _portal(personas)
    staff = login_as(personas.caseworker_a)
    staff.post(
        reverse("portal_staff:case_portal", args=[account.case.pk]),
        {"body": "Your letter", "file": SimpleUploadedFile("letter.pdf", a_pdf())},
    )
    attachment = Attachment.objects.get()
    from caseway.portal.tests.helpers import a_portal_case

    other = an_account(personas, a_portal_case(personas, given_name="Other", family_name="Client"))
    other_portal = Client()
    sign_in(other_portal, other)
    assert other_portal.get(reverse("portal:attachment", args=[attachment.pk])).status_code == 404


def test_organizations_exchange_a_file_on_a_referral(personas, login_as):
    referral = a_referral(personas, Status.SENT)
    sender = login_as(personas.caseworker_a)
    sender.post(
        reverse("messaging:referral_thread", args=[referral.pk]),
        {"body": "The signed form", "file": SimpleUploadedFile("form.pdf", a_pdf())},
    )
    attachment = Attachment.objects.get()
    url = reverse("messaging:referral_attachment", args=[referral.pk, attachment.pk])
    receiver = login_as(personas.caseworker_b)
    assert url in receiver.get(reverse("messaging:referral_thread", args=[referral.pk])).content.decode()
    assert receiver.get(url).content == a_pdf()
    assert login_as(personas.outsider).get(url).status_code == 404
