"""The HXL download: a label row and a hashtag row that libhxl parses and validates; code
dimensions as rows (#adm1+code, #org+code), attribute dimensions as value columns
(#indicator...+f, +children+age0_4), every column distinct, hidden figures marked."""

import io

import hxl
import pytest

from caseway.audit.models import AuditEvent
from caseway.clients.models import AgeBand, Sex
from caseway.directory.tests.factories import Admin1Factory
from caseway.indicators.tests.crafted import PERIOD
from caseway.indicators.tests.exported import CODE, answered, figures, url

pytestmark = pytest.mark.django_db

EXPORT = "indicators:export_hxl"
TAG = "#indicator+value+pct+referrals+accepted"


def parsed(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert not response.content.startswith("\ufeff".encode())  # HXL tools would read it into the first label
    return hxl.data(io.BytesIO(response.content))


def rows_by_tag(source) -> tuple[list[str], list[list[str]]]:
    tags = [column.display_tag for column in source.columns]
    return tags, [row.values for row in source]


def test_it_parses_with_libhxl_with_the_indicator_hashtag_and_sex_attributes(personas, login_as):
    figures(personas)
    client = login_as(personas.coordinator)

    response = client.get(url(EXPORT, indicator=CODE, dimensions="sex"))

    assert response["Content-Disposition"] == f'attachment; filename="caseway-indicators-hxl-{PERIOD.key}-sex.csv"'
    source = parsed(response)
    tags, rows = rows_by_tag(source)
    assert tags == [
        "#date+start",
        "#date+end",
        f"{TAG}+total",
        f"{TAG}+f",
        f"{TAG}+m",
        f"{TAG}+sex_other",
        f"{TAG}+sex_undisclosed",
        f"{TAG}+sex_unknown",
    ]
    assert [column.header for column in source.columns][:4] == [
        "Period start",
        "Period end",
        "Referral acceptance rate",
        "Referral acceptance rate — Female",
    ]
    assert rows == [[PERIOD.start.isoformat(), PERIOD.end.isoformat(), "46.7", "58.3", "hidden", "hidden", "", ""]]
    row = next(iter(hxl.data(io.BytesIO(response.content))))
    assert row.get(f"{TAG}+f") == "58.3"
    assert row.get(TAG) == "46.7"  # the total comes first: a plain hashtag finds it
    assert hxl.validate(hxl.data(io.BytesIO(response.content)))["is_valid"]
    assert AuditEvent.objects.get(action="indicators.exported").fields == ["hxl", PERIOD.key, "network", "by:sex", CODE]


def test_it_puts_regions_in_rows_with_their_p_codes(personas, login_as):
    region = Admin1Factory(name="North")
    figures(personas, admin_area=region)
    client = login_as(personas.coordinator)

    tags, rows = rows_by_tag(parsed(client.get(url(EXPORT, indicator=CODE, dimensions="admin1,sex"))))

    assert tags[:5] == ["#date+start", "#date+end", "#adm1+code", "#adm1+name", f"{TAG}+total"]
    by_region = {row[3]: row[4:7] for row in rows}
    assert by_region["North"] == ["46.7", "58.3", "hidden"]
    assert by_region["Total"] == ["46.7", "58.3", "hidden"]
    assert [row[2] for row in rows if row[3] == "North"] == [region.pcode]
    assert [row[2] for row in rows if row[3] == "Total"] == [""]


def test_it_gives_every_column_of_two_attribute_dimensions_its_own_hashtag(personas, login_as):
    answered(personas, accepted=6, declined=6, sex=Sex.FEMALE, age_band=AgeBand.AGE_12_17)
    client = login_as(personas.coordinator)

    source = parsed(client.get(url(EXPORT, indicator=CODE, dimensions="sex,age_band")))

    tags = [column.display_tag for column in source.columns]
    assert len(tags) == len(set(tags))
    assert f"{TAG}+f+children+age12_17" in tags
    assert f"{TAG}+children+age0_4" in tags  # every band under 18 is +children: the band tells them apart
    assert f"{TAG}+adults+age60plus" in tags
    row = next(iter(hxl.data(io.BytesIO(client.get(url(EXPORT, indicator=CODE, dimensions="sex,age_band")).content))))
    assert row.get(f"{TAG}+f+children+age12_17") == "50.0"


def test_it_writes_organizations_as_codes_for_staff_only(personas, login_as):
    figures(personas)
    client = login_as(personas.coordinator)

    tags, rows = rows_by_tag(parsed(client.get(url(EXPORT, indicator=CODE, dimensions="organization"))))

    assert tags[2:4] == ["#org+code", "#org+name"]
    by_code = {row[2]: row[3:] for row in rows}
    assert by_code[str(personas.org_a.pk)] == ["ALR", "46.7"]


def test_it_writes_every_indicator_with_its_own_columns(personas, login_as):
    client = login_as(personas.coordinator)

    source = parsed(client.get(url(EXPORT)))

    tags = [column.display_tag for column in source.columns]
    assert len(tags) == len(set(tags)) >= 17
    assert "#reached+ind+total" in tags


def test_it_refuses_other_scopes_and_roles(personas, login_as, client):
    assert client.get(url(EXPORT)).status_code == 302
    login_as(personas.caseworker_b)
    assert client.get(url(EXPORT, scope=f"org:{personas.org_a.pk}")).status_code == 404
    login_as(personas.monitor_b)
    assert client.get(url(EXPORT)).status_code == 403


def test_it_puts_a_code_dimension_in_rows_with_every_margin_beside_sex(personas, login_as):
    # Two dimensions go together only with sex (stored together each day): region × organization
    # is refused with a clear message; sex × organization puts organizations in rows by code.
    region = Admin1Factory(name="North")
    figures(personas, admin_area=region)
    client = login_as(personas.coordinator)

    refused = client.get(url(EXPORT, indicator=CODE, dimensions="admin1,organization"))
    assert refused.status_code == 400
    assert "only with Sex" in refused.content.decode()

    tags, rows = rows_by_tag(parsed(client.get(url(EXPORT, indicator=CODE, dimensions="sex,organization"))))
    assert tags[:4] == ["#date+start", "#date+end", "#org+code", "#org+name"]
    by_organization = {row[3]: row for row in rows}
    assert {"ALR", "BLA", "Total"} <= set(by_organization)
