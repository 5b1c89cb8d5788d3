"""Shared by the dashboard tests: crafted referrals with known rates, fundings, and reading the
charts and tables back out of a page."""

import datetime
import re
import xml.etree.ElementTree as ET

from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseway.indicators.models import FundedOrganization
from caseway.indicators.tests.crafted import PERIOD, a_client, at, referral
from caseway.orgs.models import Organization
from caseway.referrals.models import Status

SVG = "{http://www.w3.org/2000/svg}"
CODE = "referral_acceptance_rate"


def answered(personas, *, to, accepted, declined, user=None, **client):
    """Referrals to ``to``, answered in ``PERIOD``, each of a new client of its own (at caseworker
    A's organization by default; thresholds count people): the acceptance rate of ``to`` is
    accepted / (accepted + declined). The cases."""
    cases = []
    for status in [Status.ACCEPTED] * accepted + [Status.DECLINED] * declined:
        case = a_client(personas, user=user, **client)
        referral(case, to=to, status=status, sent_at=at(1), answered_at=at(2))
        cases.append(case)
    return cases


def one_client_answered(personas, *, to, accepted, declined, user=None, **client):
    """Referrals of *one* new client to ``to``, answered in ``PERIOD``: the case."""
    case = a_client(personas, user=user, **client)
    for status in [Status.ACCEPTED] * accepted + [Status.DECLINED] * declined:
        referral(case, to=to, status=status, sent_at=at(1), answered_at=at(2))
    return case


def donor_organization(personas) -> Organization:
    return personas.donor.memberships.get().organization


def fund(donor, *organizations, starts_on=None, ends_on=None):
    starts_on = starts_on or PERIOD.start - datetime.timedelta(days=400)
    for organization in organizations:
        FundedOrganization.objects.create(donor=donor, organization=organization, starts_on=starts_on, ends_on=ends_on)


def url(path, **query):
    query.setdefault("period", PERIOD.key)
    query.setdefault("indicator", CODE)
    return path + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def svgs(html: bytes) -> list[ET.Element]:
    """Every inline SVG of a page, parsed as XML (a malformed one fails here)."""
    # Our own pages, in a test: no XML from outside.
    return [
        ET.fromstring(match)  # noqa: S314
        for match in re.findall(rb"<svg\b.*?</svg>", html, flags=re.S)
    ]


def svg_texts(svg: ET.Element) -> list[str]:
    return [text.text or "" for text in svg.iter(f"{SVG}text")]


def bar_chart_figures(svg: ET.Element) -> list[tuple[str, str]]:
    """(label, figure) per bar of a bar chart: its texts come in pairs."""
    texts = svg_texts(svg)
    return list(zip(texts[0::2], texts[1::2], strict=True))


def table_after(html: str, caption: str) -> list[list[str]]:
    """The body rows (header cell and cells, as text) of the table captioned ``caption``."""
    start = html.index(f"<caption>{caption}</caption>")
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        rows.append([re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)])
    return rows


def queries_of(client, path, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    return len(captured), response
