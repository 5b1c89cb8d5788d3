"""The transparency page's downloads (no sign-in): the network only, never by organization, no
text naming an organization, no personal data; clients who refused statistics never counted."""

import csv
import datetime
import io
import zipfile

import hxl
import pytest

from caseway.audit.models import AuditEvent
from caseway.indicators.models import Indicator
from caseway.indicators.tests.crafted import PERIOD
from caseway.indicators.tests.exported import CODE, figures, url
from caseway.orgs.models import Organization

pytestmark = pytest.mark.django_db

EXPORTS = ("transparency:export_csv", "transparency:export_xlsx", "transparency:export_hxl")


def text_of(response) -> str:
    """Everything a reader of the file sees: the CSV text, or every XML part of the workbook."""
    if response["Content-Type"].startswith("text/csv"):
        return response.content.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))


def identifiers() -> list[str]:
    found = []
    for organization in Organization.objects.all():
        found += [organization.name, organization.acronym, str(organization.hsds_id)]
    return [identifier for identifier in found if identifier]


def test_it_serves_every_format_without_sign_in_and_names_no_organization_and_no_person(personas, client):
    cases = figures(personas)

    for name in EXPORTS:
        response = client.get(url(name, dimensions="sex"))
        assert response.status_code == 200, name
        assert "attachment" in response["Content-Disposition"]
        assert "-public-" in response["Content-Disposition"]
        text = text_of(response)
        for identifier in identifiers():
            assert identifier not in text, (name, identifier)
        for case in cases:
            assert case.client.code not in text, name
        assert "The whole network" in text or name.endswith("hxl"), name
    events = AuditEvent.objects.filter(action="indicators.public_exported")
    assert sorted(event.fields[0] for event in events) == ["csv", "hxl", "xlsx"]
    assert all(event.actor_id is None for event in events)


def test_it_counts_only_clients_who_agreed(personas, client):
    figures(personas)  # one more client refused statistics: her 4 accepted referrals are not counted

    response = client.get(url("transparency:export_csv", indicator=CODE))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][5:9] == ["46.7", "Percentage", "14", "30"]


def test_it_parses_with_libhxl_without_organization_columns(personas, client):
    figures(personas)

    response = client.get(url("transparency:export_hxl", indicator=CODE, dimensions="admin1,sex"))

    source = hxl.data(io.BytesIO(response.content))
    tags = [column.display_tag for column in source.columns]
    assert "#adm1+code" in tags
    assert not [tag for tag in tags if tag.startswith("#org")]
    assert hxl.validate(hxl.data(io.BytesIO(response.content)))["is_valid"]


def test_it_refuses_organizations_as_scope_or_breakdown(personas, client):
    for name in EXPORTS:
        response = client.get(url(name, dimensions="organization"))
        assert response.status_code == 400, name
        assert "never broken down by organization" in response.content.decode()
        response = client.get(url(name, scope=f"org:{personas.org_a.pk}"))
        assert response.status_code == 400, name
        assert "whole network only" in response.content.decode()
    assert not AuditEvent.objects.filter(action="indicators.public_exported").exists()


def test_it_refuses_a_file_whose_words_would_name_an_organization(personas, client):
    # A definition typed by a coordinator that names a member organization: the file is refused whole.
    first = Indicator.objects.get(code=CODE, version=1)
    Indicator.objects.create(
        code=CODE,
        version=2,
        name={"en": "Referrals accepted by Alpha Relief and others"},
        definition=first.definition,
        unit=first.unit,
        direction=first.direction,
        numerator=first.numerator,
        denominator=first.denominator,
        dimensions=first.dimensions,
        hxl=first.hxl,
        source=first.source,
        valid_from=PERIOD.start - datetime.timedelta(days=1),
    )

    for name in EXPORTS:
        response = client.get(url(name, indicator=CODE))
        assert response.status_code == 409, name
        assert "Alpha" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="indicators.public_exported").exists()


def test_it_answers_bad_filters_with_a_clear_400(client, db):
    response = client.get(url("transparency:export_csv", period="last year"))

    assert response.status_code == 400
    assert "Enter a period such as 2026-03" in response.content.decode()
