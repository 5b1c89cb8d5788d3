"""The HSDS upload page: coordinators only, size and type checked before anything is read."""

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import Client, override_settings
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.directory import models as m
from caseway.directory.import_views import SizeLimitedUploadHandler
from caseway.directory.tests.test_hsds_import import (
    EXAMPLES_CSV,
    ORG_ID,
    SERVICE_ID,
    row_counts,
    service,
    table,
    valid_files,
    zip_bomb,
    zipped,
)
from caseway.tests.personas import login

pytestmark = pytest.mark.django_db

URL = reverse("directory_import:upload")


def example_zip() -> bytes:
    return zipped({path.name: path.read_bytes() for path in EXAMPLES_CSV.iterdir()}).getvalue()


def upload(client, data: bytes, name="package.zip", **fields):
    return client.post(URL, {"package": SimpleUploadedFile(name, data), **fields})


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    response = upload(client, example_zip())
    assert response.status_code == 302
    assert not m.Service.objects.exists()


@pytest.mark.parametrize("persona", ["caseworker_a", "admin_a", "supervisor_b", "donor", "monitor_a"])
def test_it_refuses_staff_who_do_not_curate_the_directory(client, personas, login_as, persona):
    login_as(personas.all()[persona])
    assert client.get(URL).status_code == 403
    assert upload(client, example_zip()).status_code == 403
    assert not m.Service.objects.exists()


def test_it_shows_the_form_to_coordinators(client, personas, login_as):
    login_as(personas.coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b"20 MB" in response.content
    assert "no-store" in response["Cache-Control"]


def test_it_imports_an_uploaded_package_and_reports_it(client, personas, login_as):
    login_as(personas.coordinator)
    response = upload(client, example_zip())
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h2 id="report-title">Imported</h2>' in content
    assert "<td>service_capacity.csv</td><td>2</td><td>service_id</td>" in content  # a warning, located
    assert m.Service.objects.filter(name="Community Counselling").exists()
    event = AuditEvent.objects.get(action="directory.hsds_imported")
    assert event.actor_id == personas.coordinator.pk
    assert event.organization_id == personas.coordinator.memberships.get().organization_id


def test_it_checks_without_importing_on_request(client, personas, login_as):
    login_as(personas.coordinator)
    response = upload(client, example_zip(), dry_run="on")
    assert "The package can be imported" in response.content.decode()
    assert not m.Service.objects.exists()


def test_it_lists_row_errors_and_imports_nothing(client, personas, login_as):
    login_as(personas.coordinator)
    before = row_counts()
    bad = zipped(valid_files(**{"services.csv": table("service", rows=[service(status="open")])})).getvalue()
    content = upload(client, bad).content.decode()
    assert "Nothing was imported" in content
    assert "<td>services.csv</td><td>2</td><td>status</td>" in content
    assert row_counts() == before


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"%PDF-1.7 not a zip", "package.zip"), (b"\x89PNG\r\n\x1a\n", "package.json"), (b"id,name\r\n", "x.csv")],
)
def test_it_refuses_files_that_are_neither_zip_nor_json_by_their_content(client, personas, login_as, data, name):
    login_as(personas.coordinator)
    response = upload(client, data, name=name)
    assert response.status_code == 200
    assert "neither a zip data package nor an HSDS JSON file" in response.content.decode()
    assert not AuditEvent.objects.filter(action="directory.hsds_imported").exists()


def test_it_refuses_a_zip_bomb(client, personas, login_as):
    login_as(personas.coordinator)
    bomb = zip_bomb().getvalue()
    assert len(bomb) < 200_000
    content = upload(client, bomb).content.decode()
    assert "zip bomb" in content
    assert not m.Service.objects.exists()


def test_it_refuses_a_100_mb_upload_before_reading_it(personas):
    """The body is never read: the request claims 100 MB but carries a few bytes, and Django's
    test payload fails loudly if anything reads past them. CSRF checks are on, so the CSRF
    middleware did not read it either."""
    client = Client(enforce_csrf_checks=True)
    login(client, personas.coordinator)
    package = SimpleUploadedFile("big.zip", b"PK\x03\x04")
    response = client.post(URL, {"package": package}, CONTENT_LENGTH=str(100 * 1024 * 1024))
    assert response.status_code == 413
    assert "it was not read" in response.content.decode()
    assert not m.Service.objects.exists()


def test_it_still_checks_csrf_for_uploads_of_acceptable_size(personas):
    client = Client(enforce_csrf_checks=True)
    login(client, personas.coordinator)
    response = client.post(URL, {"package": SimpleUploadedFile("p.zip", example_zip())})
    assert response.status_code == 403
    assert not m.Service.objects.exists()


@override_settings(CASEWAY_MAX_IMPORT_BYTES=1000)
def test_it_refuses_a_file_over_the_configured_size(client, personas, login_as):
    login_as(personas.coordinator)
    response = upload(client, b"PK\x03\x04" + b"\0" * 2000)
    assert "larger than 0 MB" not in response.content.decode()
    assert "The file is larger than" in response.content.decode()


def test_it_stops_reading_an_upload_that_runs_past_the_limit():
    request = type("Request", (), {})()
    handler = SizeLimitedUploadHandler(request, limit=10)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"123456", 5)
    assert request.upload_too_large is True


def test_it_imports_hsds_json_uploads(client, personas, login_as):
    login_as(personas.coordinator)
    document = {
        "organizations": [{"id": ORG_ID, "name": "Json Org", "description": ""}],
        "services": [{"id": SERVICE_ID, "organization_id": ORG_ID, "name": "From JSON", "status": "active"}],
    }
    response = upload(client, json.dumps(document).encode(), name="directory.json")
    assert "Imported" in response.content.decode()
    assert m.Service.objects.get(id=SERVICE_ID).name == "From JSON"
