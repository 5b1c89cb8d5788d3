import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.lib.tests.test_uploads import a_jpeg_with_gps, a_pdf, a_zip
from caseway.portal.models import Document
from caseway.portal.tests.helpers import a_portal_case, an_account, sign_in

pytestmark = pytest.mark.django_db


def _signed_in(personas, case=None):
    account = an_account(personas, case)
    portal = Client()
    sign_in(portal, account)
    return account, portal


def _send(portal, data, name="photo.jpg", kind="photo"):
    return portal.post(reverse("portal:documents"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_a_photo_is_kept_encrypted_and_without_its_gps_position(personas):
    account, portal = _signed_in(personas)
    response = _send(portal, a_jpeg_with_gps(), kind="identity")
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.kind, document.content_type, document.account) == ("identity", "image/jpeg", account)
    assert document.data_key_id == account.client.data_key_id
    assert b"FictionalCam" not in document.content
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM portal_document")
        stored = cursor.fetchone()[0]
    assert "FictionalCam" not in stored and not stored.startswith("/9j/")  # neither the bytes nor their base64
    download = portal.get(reverse("portal:document_download", args=[document.pk]))
    assert download.status_code == 200 and download.content == document.content
    assert download["Content-Disposition"].startswith('attachment; filename="identity-')
    assert download["X-Content-Type-Options"] == "nosniff" and "no-store" in download["Cache-Control"]
    assert "photo.jpg" not in download["Content-Disposition"]  # the name it had is not kept


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 program", "letter.pdf", "Send a photo (JPEG or PNG) or a PDF. This file is something else."),
        (None, "papers.zip", "Archives (zip and others) cannot be sent. Send each document on its own."),
        (None, "photo.jpg", "This file has another file hidden inside. Send the document on its own."),
    ],
)
def test_it_says_why_a_file_is_refused_and_keeps_nothing(personas, data, name, message):
    if data is None:
        data = a_zip() if name.endswith(".zip") else a_jpeg_with_gps() + a_zip()
    _account, portal = _signed_in(personas)
    response = _send(portal, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_it_refuses_a_file_over_the_limit(personas, settings):
    settings.UPLOAD_MAX_MB = 1
    _account, portal = _signed_in(personas)
    response = _send(portal, a_pdf(extra=b" " * (1024 * 1024)), name="big.pdf", kind="certificate")
    assert "The file is too big. The largest allowed is 1.0\xa0MB." in response.content.decode()
    assert not Document.objects.exists()


def test_a_client_cannot_reach_another_clients_document(personas):
    _mine, portal = _signed_in(personas)
    _theirs, other_portal = _signed_in(personas, a_portal_case(personas, given_name="Other", family_name="Client"))
    _send(other_portal, a_pdf(), name="x.pdf", kind="certificate")
    theirs = Document.objects.get()
    assert portal.get(reverse("portal:document_download", args=[theirs.pk])).status_code == 404


def test_the_case_team_reads_it_audited_and_nobody_else(personas, login_as):
    account, portal = _signed_in(personas)
    _send(portal, a_pdf(), name="x.pdf", kind="certificate")
    document = Document.objects.get()
    url = reverse("portal_staff:case_document", args=[account.case.pk, document.pk])
    staff = login_as(personas.caseworker_a)
    assert (
        "Certificate or letter"
        in staff.get(reverse("portal_staff:case_portal", args=[account.case.pk])).content.decode()
    )
    response = staff.get(url)
    assert response.status_code == 200 and response.content == a_pdf()
    assert AuditEvent.objects.filter(action="portal.document_read", actor_id=personas.caseworker_a.pk).count() == 1
    outsider = login_as(personas.caseworker_b)
    assert outsider.get(url).status_code == 404
