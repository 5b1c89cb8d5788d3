"""The ways an indicator can be broken down: sex, age band, disability, region, district,
displacement status, organization. One or two at a time.

A dimension gives, for a unit of a measure (a referral, a case, a goal...), an SQL expression of
its category key, built from the path to the unit's client and to its organization, and the list
of its categories (every one, with zeros, so a category missing from a table never says it is
small). Values outside the list count under "unknown" so that a table still adds up to its total.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseway.clients.models import DisplacementStatus, Sex
from caseway.directory.models import AdminArea
from caseway.orgs.models import Organization

UNKNOWN = "unknown"
MAX_DIMENSIONS = 2
# Two dimensions are offered together only with sex (sex-disaggregated data, the common practice:
# sex × age group, × disability, × place, × displacement, × organization). Every pair offered is
# stored with the rest each day (``services.default_dimension_sets``), sex first, so that a
# breakdown never mixes stored and live figures; fewer pairs keep that run bounded.
PAIRED_WITH = "sex"
# Stored for the network beside the pairs offered, never offered to anyone: each dimension by
# organization. A coordinator's view of one organization by a dimension is the organization's
# column of that table, protected together with the network's tables (``queries``), so that the
# network's figures less the other organizations' never give back one organization's hidden cell.
BY_ORGANIZATION = "organization"
# Bumped when what a snapshot stores changes (2: distinct people and organizations per cell):
# snapshots of another format are not read (``fingerprint``).
SNAPSHOT_FORMAT = 2


@dataclass(frozen=True)
class Dimension:
    key: str
    label: object  # lazy text
    # HXL for exports: a column of its own ("#adm1+code") when the categories are codes, or "" when
    # each category is instead an attribute of the value's hashtag (``hxl_attribute``: "#reached +f").
    hxl: str
    expression: Callable  # (client path, organization path) -> expression of the category key
    categories: Callable  # (scope) -> [(key, label), ...], UNKNOWN last
    public: bool = True  # may appear on public outputs (organization may not)
    # Its categories come from settings or code (sex, age bands...), not from data: they are part
    # of a snapshot's fingerprint, and a snapshot stored under other categories is not read.
    stable: bool = True
    hxl_attributes: Callable | None = None  # category key -> HXL attributes ("+f", "+children"), or ""

    def hxl_attribute(self, key: str) -> str:
        return self.hxl_attributes(key) if self.hxl_attributes is not None else ""


def _text(expression):
    return Cast(expression, output_field=CharField())


def _sex(client, organization):
    return F(f"{client}__sex")


def _sex_categories(scope):
    return [(sex.value, str(sex.label)) for sex in Sex] + [(UNKNOWN, _("Not known"))]


def _age(client, organization):
    whens = [When(**{f"{client}__age_band__in": fine}, then=Value(code)) for code, fine in settings.INDICATOR_AGE_BANDS]
    return Case(*whens, default=Value(UNKNOWN), output_field=CharField())


def _age_categories(scope):
    labels = [
        (code, _("%(band)s years") % {"band": code.replace("-", "–")}) for code, _fine in settings.INDICATOR_AGE_BANDS
    ]
    return [*labels, (UNKNOWN, _("Not known"))]


def _disability(client, organization):
    return Case(
        When(**{f"{client}__has_disability": True}, then=Value("yes")),
        When(**{f"{client}__has_disability": False}, then=Value("no")),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def _disability_categories(scope):
    return [
        ("yes", _("With a disability (Washington Group)")),
        ("no", _("Without a disability")),
        (UNKNOWN, _("Not asked yet")),
    ]


def _admin1(client, organization):
    return Case(
        When(**{f"{client}__admin_area__level": AdminArea.Level.ADMIN1}, then=F(f"{client}__admin_area__pcode")),
        When(
            **{f"{client}__admin_area__level": AdminArea.Level.ADMIN2}, then=F(f"{client}__admin_area__parent__pcode")
        ),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def _areas(level):
    def categories(scope):
        areas = AdminArea.objects.filter(level=level).only("pcode", "name", "name_translations").order_by("pcode")
        return [(area.pcode, area.localized_name()) for area in areas] + [(UNKNOWN, _("Not known"))]

    return categories


def _admin2(client, organization):
    return Case(
        When(**{f"{client}__admin_area__level": AdminArea.Level.ADMIN2}, then=F(f"{client}__admin_area__pcode")),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def _displacement(client, organization):
    return F(f"{client}__displacement_status")


def _displacement_categories(scope):
    return [(status.value, str(status.label)) for status in DisplacementStatus]


def _organization(client, organization):
    return _text(F(f"{organization}_id"))


def _organization_categories(scope):
    organizations = Organization.objects.only("pk", "name", "acronym").order_by("name")
    if not scope.is_network:
        organizations = organizations.filter(pk__in=scope.organization_ids)
    return [(str(organization.pk), organization.acronym or organization.name) for organization in organizations] + [
        (UNKNOWN, _("Not known"))
    ]


_SEX_HXL = {"female": "+f", "male": "+m"}
_DISPLACEMENT_HXL = {"idp": "+idps", "refugee": "+refugees", "returnee": "+returnees", "resident": "+hosts"}


def _sex_hxl(key):
    return _SEX_HXL.get(key, "")


def _age_hxl(key):
    """+children for a band that ends before 18, +adults for one that starts at 18 or later."""
    for code, fine in settings.INDICATOR_AGE_BANDS:
        if code == key:
            minors = {"0-4", "5-11", "12-17"}
            if set(fine) <= minors:
                return "+children"
            if not set(fine) & minors:
                return "+adults"
    return ""


def _disability_hxl(key):
    return "+disabled" if key == "yes" else ""


def _displacement_hxl(key):
    return _DISPLACEMENT_HXL.get(key, "")


DIMENSIONS: dict[str, Dimension] = {
    dimension.key: dimension
    for dimension in (
        Dimension("sex", gettext_lazy("Sex"), "", _sex, _sex_categories, hxl_attributes=_sex_hxl),
        Dimension("age_band", gettext_lazy("Age group"), "", _age, _age_categories, hxl_attributes=_age_hxl),
        Dimension(
            "disability",
            gettext_lazy("Disability"),
            "",
            _disability,
            _disability_categories,
            hxl_attributes=_disability_hxl,
        ),
        Dimension(
            "admin1",
            gettext_lazy("Region (admin 1)"),
            "#adm1+code",
            _admin1,
            _areas(AdminArea.Level.ADMIN1),
            stable=False,
        ),
        Dimension(
            "admin2",
            gettext_lazy("District (admin 2)"),
            "#adm2+code",
            _admin2,
            _areas(AdminArea.Level.ADMIN2),
            stable=False,
        ),
        Dimension(
            "displacement",
            gettext_lazy("Displacement status"),
            "",
            _displacement,
            _displacement_categories,
            hxl_attributes=_displacement_hxl,
        ),
        Dimension(
            "organization",
            gettext_lazy("Organization"),
            "#org+code",
            _organization,
            _organization_categories,
            public=False,
            stable=False,
        ),
    )
}


def resolve(keys, *, stored=False) -> tuple[Dimension, ...]:
    """The dimensions named by ``keys`` (at most two, each once); ``ValueError`` otherwise.
    ``stored``: a dimension by organization too (``BY_ORGANIZATION``: computed and stored, never
    asked for by people)."""
    keys = tuple(keys or ())
    if len(keys) > MAX_DIMENSIONS:
        raise ValueError(_("Choose at most two disaggregations."))
    if len(set(keys)) != len(keys):
        raise ValueError(_("Choose two different disaggregations."))
    unknown = [key for key in keys if key not in DIMENSIONS]
    if unknown:
        raise ValueError(_("Unknown disaggregation: %(key)s.") % {"key": unknown[0]})
    by_organization = stored and len(keys) == MAX_DIMENSIONS and keys[1] == BY_ORGANIZATION
    if len(keys) == MAX_DIMENSIONS and PAIRED_WITH not in keys and not by_organization:
        raise ValueError(
            _("Two disaggregations are offered together only with %(dimension)s: choose it as one of the two.")
            % {"dimension": DIMENSIONS[PAIRED_WITH].label}
        )
    return tuple(DIMENSIONS[key] for key in keys)


def stored_order(keys) -> tuple[str, ...]:
    """The order in which a breakdown is stored and protected: a pair with sex first. The other
    order is the same table turned (never protected on its own: two protections of one table
    could be put together)."""
    keys = tuple(keys)
    if len(keys) == MAX_DIMENSIONS and keys[1] == PAIRED_WITH:
        return (keys[1], keys[0])
    return keys


def fingerprint(keys) -> str:
    """What a snapshot by ``keys`` was stored under: the snapshot format and the categories of its
    stable dimensions (changing ``CASEWAY_INDICATOR_AGE_BANDS`` changes it). Areas and
    organizations come from data: a key no longer listed counts under "not known", and a median
    of such merged keys is hidden (``queries.protect``)."""
    parts = [str(SNAPSHOT_FORMAT)]
    for key in keys:
        dimension = DIMENSIONS[key]
        listed = [code for code, _label in dimension.categories(None)] if dimension.stable else []
        parts.append(key + ":" + ",".join(listed))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
