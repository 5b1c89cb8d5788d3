"""Disaggregation by sex, age band (configurable), disability, region, district, displacement
and organization: every category listed, zeros included; what does not fit counts as unknown.
And CASEWAY_INDICATOR_AGE_BANDS, checked at start-up."""

import json

import pytest

from caseway.clients.models import AgeBand, DisplacementStatus, Sex
from caseway.directory.tests.factories import Admin1Factory, Admin2Factory
from caseway.indicators import queries
from caseway.indicators.bands import DEFAULT_AGE_BANDS, parse_age_bands
from caseway.indicators.dimensions import DIMENSIONS
from caseway.indicators.models import Indicator
from caseway.indicators.periods import Scope
from caseway.indicators.tests.crafted import PERIOD, a_client, at, referral
from caseway.lib.env import ConfigurationError
from caseway.referrals.models import Status
from caseway.tests.production import production_env, run_python

pytestmark = pytest.mark.django_db

CODE = "referral_acceptance_rate"


def answered_by(personas, count=1, **values):
    case = a_client(personas, **values)
    for _ in range(count):
        referral(case, to=personas.org_b, status=Status.ACCEPTED, sent_at=at(1), answered_at=at(2))
    return case


def split(keys):
    raw = queries.compute(Indicator.objects.get(code=CODE), period=PERIOD, scope=Scope.network(), dimensions=keys)
    return {key: count for key, count in raw.denominator.items() if count}


def test_it_splits_by_sex_age_disability_and_displacement(personas):
    answered_by(personas, 2, sex=Sex.FEMALE, age_band=AgeBand.AGE_18_24, displacement_status=DisplacementStatus.IDP)
    disabled = answered_by(personas, 3, sex=Sex.MALE, age_band=AgeBand.AGE_60_PLUS)
    type(disabled.client).objects.filter(pk=disabled.client_id).update(has_disability=True)

    assert split(("sex", "age_band")) == {("female", "18-24"): 2, ("male", "60+"): 3}
    assert split(("disability",)) == {("unknown",): 2, ("yes",): 3}
    assert split(("displacement",)) == {("idp",): 2, ("unknown",): 3}


def test_it_splits_by_region_and_district(personas):
    district = Admin2Factory()
    region = Admin1Factory()
    answered_by(personas, 2, admin_area=district)
    answered_by(personas, 3, admin_area=region)

    assert split(("admin1",)) == {(district.parent.pcode,): 2, (region.pcode,): 3}
    assert split(("admin2",)) == {(district.pcode,): 2, ("unknown",): 3}


def test_it_splits_by_the_organization_whose_work_it_is(personas):
    answered_by(personas, 2)
    case = a_client(personas)
    referral(case, to=personas.org_a, status=Status.ACCEPTED, sent_at=at(1), answered_at=at(2))

    assert split(("organization",)) == {(str(personas.org_b.pk),): 2, (str(personas.org_a.pk),): 1}


def test_it_lists_every_category_with_zeros_and_unknown_last(personas):
    scope = Scope.network()

    for dimension in DIMENSIONS.values():
        keys = [key for key, _label in dimension.categories(scope)]
        assert keys[-1] == "unknown"
        assert len(keys) == len(set(keys))
    sexes = [key for key, _label in DIMENSIONS["sex"].categories(scope)]
    assert sexes[:-1] == list(Sex.values)


def test_it_lists_only_the_organizations_of_the_scope(personas):
    listed = DIMENSIONS["organization"].categories(Scope.of(personas.org_a))

    assert [key for key, _label in listed] == [str(personas.org_a.pk), "unknown"]
    assert listed[0][1] == "ALR"


def test_it_gives_hxl_columns_or_attributes(settings):
    settings.INDICATOR_AGE_BANDS = parse_age_bands("0-17,18-24,25+")

    assert DIMENSIONS["sex"].hxl_attribute("female") == "+f"
    assert DIMENSIONS["sex"].hxl_attribute("undisclosed") == ""
    assert [DIMENSIONS["age_band"].hxl_attribute(key) for key in ("0-17", "18-24", "25+")] == [
        "+children",
        "+adults",
        "+adults",
    ]
    assert DIMENSIONS["disability"].hxl_attribute("yes") == "+disabled"
    assert DIMENSIONS["displacement"].hxl_attribute("idp") == "+idps"
    assert (DIMENSIONS["admin1"].hxl, DIMENSIONS["admin2"].hxl) == ("#adm1+code", "#adm2+code")
    assert DIMENSIONS["organization"].hxl == "#org+code"
    assert not DIMENSIONS["organization"].public


def test_it_gathers_configured_age_bands(personas, settings):
    settings.INDICATOR_AGE_BANDS = parse_age_bands("0-17,18-59,60+")
    answered_by(personas, 2, age_band=AgeBand.AGE_18_24)
    answered_by(personas, 3, age_band=AgeBand.AGE_25_59)
    answered_by(personas, 1, age_band=AgeBand.AGE_12_17)

    assert split(("age_band",)) == {("18-59",): 5, ("0-17",): 1}
    labels = DIMENSIONS["age_band"].categories(Scope.network())
    assert [key for key, _label in labels] == ["0-17", "18-59", "60+", "unknown"]


def test_it_reads_the_default_age_bands():
    bands = parse_age_bands(DEFAULT_AGE_BANDS)

    assert [code for code, _fine in bands] == list(AgeBand.values)
    assert all(fine == (code,) for code, fine in bands)


@pytest.mark.parametrize(
    "text", ["", "0-10,11+", "5-11,12+", "0-17,18-59", "0-17,60+", "teenagers", "0-17,18+,60+", "0-4,4-11,12+"]
)
def test_it_refuses_age_bands_that_records_cannot_answer(text):
    with pytest.raises(ConfigurationError, match="CASEWAY_INDICATOR_AGE_BANDS"):
        parse_age_bands(text)


def test_it_stops_the_start_on_bad_age_bands(tmp_path):
    read = (
        "import caseway.wsgi, json; from django.conf import settings; print(json.dumps(settings.INDICATOR_AGE_BANDS))"
    )
    chosen = run_python(read, production_env(tmp_path, CASEWAY_INDICATOR_AGE_BANDS="0-17, 18+"))
    assert chosen.returncode == 0, chosen.stderr
    assert json.loads(chosen.stdout.strip().splitlines()[-1]) == [
        ["0-17", ["0-4", "5-11", "12-17"]],
        ["18+", ["18-24", "25-59", "60+"]],
    ]
    junk = run_python(read, production_env(tmp_path, CASEWAY_INDICATOR_AGE_BANDS="0-10,11+"))
    assert junk.returncode != 0 and "CASEWAY_INDICATOR_AGE_BANDS" in junk.stderr
    frozen = run_python(read, production_env(tmp_path, CASEWAY_INDICATOR_FREEZE_DAYS="-1"))
    assert frozen.returncode != 0 and "CASEWAY_INDICATOR_FREEZE_DAYS" in frozen.stderr
