"""The transparency page's downloads (no sign-in): the network only, never by organization, no
text naming an organization, no personal data; clients who refused statistics never counted; the
published quarters only, from frozen snapshots, never computed live."""

import csv
import datetime
import io
import zipfile

import hxl
import pytest
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.clients.models import Sex
from caseway.indicators.models import Indicator
from caseway.indicators.periods import Period, PeriodKind
from caseway.indicators.tests.published import CODE, QUARTER, answered, figures, publish, url
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
    publish()

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
    publish()

    response = client.get(url("transparency:export_csv", indicator=CODE))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][5:9] == ["46.7", "Percentage", "14", "30"]


def test_it_parses_with_libhxl_without_organization_columns(personas, client):
    figures(personas)
    publish(breakdowns=[(), ("sex", "admin1")])

    response = client.get(url("transparency:export_hxl", indicator=CODE, dimensions="sex,admin1"))

    source = hxl.data(io.BytesIO(response.content))
    tags = [column.display_tag for column in source.columns]
    assert "#adm1+code" in tags
    assert not [tag for tag in tags if tag.startswith("#org")]
    assert hxl.validate(hxl.data(io.BytesIO(response.content)))["is_valid"]


def test_it_refuses_organizations_as_scope_or_breakdown(personas, client):
    publish()
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
        valid_from=QUARTER.start - datetime.timedelta(days=1),
    )
    publish()

    for name in EXPORTS:
        response = client.get(url(name, indicator=CODE))
        assert response.status_code == 409, name
        assert "Alpha" not in response.content.decode()
        assert "could name an organization" in response.content.decode()
    assert not AuditEvent.objects.filter(action="indicators.public_exported").exists()


def test_it_answers_bad_filters_with_a_clear_400(client, db):
    response = client.get(url("transparency:export_csv", period="last year"))

    assert response.status_code == 400
    assert "Enter a period such as 2026-03" in response.content.decode()


def _months_and_years():
    return [QUARTER.previous().start.strftime("%Y-%m"), str(QUARTER.start.year)]


def test_it_offers_the_published_quarters_only(personas, client):
    figures(personas)
    publish()
    current = Period.containing(PeriodKind.QUARTER, QUARTER.after)
    publish(current)  # stored and even frozen, the quarter under way is never published
    publish(QUARTER.previous(), frozen=False)  # stored, not final yet

    for name in EXPORTS:
        for period in [*_months_and_years(), current.key]:
            response = client.get(url(name, period=period))
            assert response.status_code == 400, (name, period)
            assert "whole quarters that have ended" in response.content.decode(), (name, period)
        for period in (QUARTER.previous().key, QUARTER.previous().previous().key):
            response = client.get(url(name, period=period))
            assert response.status_code == 400, (name, period)
            assert f"The figures of {period} are not published yet" in response.content.decode()
        assert client.get(url(name, period=QUARTER.key)).status_code == 200
    assert AuditEvent.objects.filter(action="indicators.public_exported").count() == len(EXPORTS)


def test_it_publishes_the_latest_quarter_by_default(personas, client):
    figures(personas)
    publish()

    response = client.get(reverse("transparency:export_csv") + "?indicator=" + CODE)

    assert response.status_code == 200
    assert f"-{QUARTER.key}." in response["Content-Disposition"]


def test_it_says_so_when_nothing_is_published(personas, client):
    figures(personas)
    publish(frozen=False)

    response = client.get(reverse("transparency:export_csv"))

    assert response.status_code == 400
    assert "No figures are published yet" in response.content.decode()


def test_it_serves_the_frozen_snapshots_and_never_computes_live(personas, client):
    figures(personas)
    publish(breakdowns=[(), ("sex",)])
    # Later work and a later withdrawal of consent change nothing published.
    answered(personas, accepted=9, declined=0, sex=Sex.MALE)
    first = Indicator.objects.get(code=CODE, version=1)

    rows = list(csv.reader(io.StringIO(client.get(url("transparency:export_csv")).content.decode("utf-8-sig"))))

    assert {row[0] for row in rows[1:-1]} == {CODE}  # the one indicator published: no other computed
    assert rows[1][5:10] == ["46.7", "Percentage", "14", "30", "stored snapshot"]
    assert first.snapshots.count() == 2
    for name in EXPORTS:  # a breakdown without a stored snapshot: refused, not computed
        response = client.get(url(name, dimensions="age_band"))
        assert response.status_code == 409, name
        assert "No figures are published for this period broken down this way" in response.content.decode()
    assert first.snapshots.count() == 2
