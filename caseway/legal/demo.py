"""Demo legal work: fictional forums with their fictional rules, and matters worked by the two legal
organizations of the demo network together, through the real services.

The forums of Aldoria (XA) and Belmara (XB) and the regional commission are invented, and so are
their rules: each rule's source says so. The European Court of Human Rights and the
Inter-American Commission come with their real rules (migration ``0002``); one demo matter goes to
the European Court (a fictional application).

For the first open cases (oldest first) of the Belmara Legal Aid Clinic and of Safe Paths
International whose client agreed to legal representation: a matter led by that organization with
the other as co-counsel (local counsel for every third); events spread over the last months
(a complaint filed, a hearing held, a judgment served) so that some deadlines are met, some open
and **some overdue**; a hearing set for the coming weeks; a protected witness; remedies sought and
one obtained. The first two matters of each also get evidence (a photo of a fictional document,
hashed and sealed, handed over to the co-counsel, with a working copy without metadata; a physical
item held at the office), a case review of both organizations with an action item, and assistance
requests (one to the co-counsel, answered; one to an outside authority, overdue). A case that
already leads a matter is left alone, so a second run adds nothing.
"""

import datetime
import io
import random
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from PIL import Image, ImageDraw

from caseway.clients import consent
from caseway.clients.models import Case, CaseStatus, ConsentPurpose
from caseway.legal import assistance, evidence, parties, reviews, services
from caseway.legal.models import Deadline, Forum, Jurisdiction, LegalMatter, MatterType
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role

DEMO_DOMAIN = "demo.example.org"
LEGAL_ORGANIZATIONS = ("BLC", "SPI")
MATTERS_PER_ORGANIZATION = {"BLC": 6, "SPI": 3}
VIOLATIONS = [
    ["sexual_violence", "torture"],
    ["arbitrary_detention"],
    ["enforced_disappearance"],
    ["forced_displacement", "property"],
]
FICTIONAL = "Fictional demo rule (invented for the Caseway demo; not law anywhere): "

JURISDICTIONS = [
    # (code, name, country, forum, non-working weekdays, [rules])
    (
        "demo-xa-district-court",
        "District Court of Aldoria (demo)",
        "XA",
        Forum.NATIONAL_COURT,
        [4, 5],  # Friday and Saturday
        [
            ("judgment_served", "Lodge an appeal", 30, "calendar_days", "forward", "Code of Civil Procedure, art. 301"),
            (
                "decision_notified",
                "File an objection",
                15,
                "working_days",
                "forward",
                "Code of Civil Procedure, art. 122",
            ),
            (
                "filing_received",
                "Answer the filing",
                21,
                "calendar_days",
                "forward",
                "Code of Civil Procedure, art. 88",
            ),
        ],
    ),
    (
        "demo-xb-high-court",
        "High Court of Belmara (demo)",
        "XB",
        Forum.NATIONAL_COURT,
        [5, 6],
        [
            ("judgment_served", "Lodge an appeal", 20, "working_days", "forward", "Civil Procedure Act, s. 54"),
            (
                "admissibility_decided",
                "Ask for a review of admissibility",
                10,
                "working_days",
                "forward",
                "Civil Procedure Act, s. 31",
            ),
        ],
    ),
    (
        "demo-regional-commission",
        "Southern Regional Human Rights Commission (demo)",
        "",
        Forum.REGIONAL_COMMISSION,
        [5, 6],
        [
            ("final_decision_notified", "Lodge the petition", 6, "months", "backward", "Commission Rules, rule 28"),
            ("decision_notified", "Send observations", 2, "months", "forward", "Commission Rules, rule 37"),
        ],
    ),
]


def _jurisdictions():
    from caseway.legal.models import CourtClosure, DeadlineRule

    found = {}
    for code, name, country, forum, weekend, rules in JURISDICTIONS:
        jurisdiction, _created = Jurisdiction.objects.update_or_create(
            code=code, defaults={"name": name, "country": country, "forum": forum, "non_working_weekdays": weekend}
        )
        for trigger, what, offset, unit, roll, source in rules:
            DeadlineRule.objects.update_or_create(
                code=f"{code}-{trigger}",
                defaults={
                    "jurisdiction": jurisdiction,
                    "trigger": trigger,
                    "name": what,
                    "offset": offset,
                    "unit": unit,
                    "roll": roll,
                    "source": FICTIONAL + source,
                },
            )
        found[code] = jurisdiction
    # A court recess users entered, so that the calendars show closures beside weekends.
    year = timezone.localdate().year
    for day in range(1, 15):
        CourtClosure.objects.get_or_create(
            jurisdiction=found["demo-xa-district-court"],
            day=datetime.date(year, 8, day),
            defaults={"note": "Summer recess (demo)"},
        )
    found["echr"] = Jurisdiction.objects.get(code="echr")
    return found


def _lawyer(organization):
    return (
        Membership.objects.filter(
            organization=organization, role=Role.LEGAL_OFFICER, is_active=True, user__email__endswith=DEMO_DOMAIN
        )
        .select_related("user", "organization")
        .first()
    )


def _cases(organization, count):
    cases = (
        Case.objects.filter(organization=organization, status__in=[CaseStatus.OPEN, CaseStatus.ACTIVE])
        .filter(client__erased_at__isnull=True)
        .select_related("client", "organization")
        .order_by("opened_at", "pk")
    )
    chosen = []
    for case in cases:
        if consent.allows(case.client, ConsentPurpose.LEGAL_REPRESENTATION, case.organization_id):
            chosen.append(case)
        if len(chosen) == count:
            break
    return chosen


def _event(lawyer, matter, trigger, day, **values):
    return services.event_record(
        actor=lawyer.user, membership=lawyer, matter=matter, trigger=trigger, occurred_on=day, **values
    )


def _work(matter, lawyer, partner, index, rng, today):
    """A matter's story so far, in the forum's own events (deadlines follow from the rules)."""
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    services.co_counsel_add(
        actor=lawyer.user,
        membership=lawyer,
        matter=matter,
        organization=partner.organization,
        role="local_counsel" if index % 3 == 2 else "co_counsel",
    )
    _event(lawyer, matter, "investigation_opened", ago(240 + rng.randint(0, 60)))
    if matter.jurisdiction.code == "echr":
        _event(lawyer, matter, "final_domestic_decision", ago(60 + rng.randint(0, 20)))
        return
    if matter.jurisdiction.code == "demo-regional-commission":
        notified = _event(lawyer, matter, "final_decision_notified", ago(150))
        _event(lawyer, matter, "complaint_filed", ago(100))
        for deadline in notified.deadlines.all():
            services.deadline_met(actor=lawyer.user, membership=lawyer, deadline=deadline, met_on=ago(100))
        _event(lawyer, matter, "decision_notified", ago(70))  # observations due: overdue unless met
        return
    filed = _event(lawyer, matter, "complaint_filed", ago(180 + rng.randint(0, 30)))
    _event(lawyer, matter, "filing_received", filed.occurred_on + datetime.timedelta(days=3))
    _event(lawyer, matter, "hearing_held", ago(90 + rng.randint(0, 20)))
    if index % 2 == 0:
        # Judgment served a while ago: the appeal deadline is open, passed for some.
        outcome = ("unfavourable", "partly_favourable", "favourable")[index % 3]
        _event(lawyer, matter, "judgment_served", ago(12 + 15 * (index % 3)), outcome=outcome)
    else:
        _event(lawyer, matter, "hearing_scheduled", today + datetime.timedelta(days=10 + 7 * index))
    for deadline in Deadline.objects.filter(
        matter=matter, status=Deadline.Status.OPEN, rule__trigger="filing_received"
    ):
        services.deadline_met(actor=lawyer.user, membership=lawyer, deadline=deadline, met_on=deadline.due_on)


def _people(matter, lawyer, index):
    parties.party_add(
        actor=lawyer.user,
        membership=lawyer,
        matter=matter,
        role="witness",
        pseudonym=f"Witness {chr(65 + index)}",
        name=f"Demo Witness {index + 1}",
        details="Reachable through the clinic only (demo).",
        protection_measures=["pseudonym", "voice_distortion"] if index % 2 == 0 else ["closed_hearing"],
    )
    parties.party_add(
        actor=lawyer.user,
        membership=lawyer,
        matter=matter,
        role="respondent",
        pseudonym="Respondent",
        name="Demo Respondent Authority",
    )


def _remedies(matter, lawyer, index, today):
    sought = today - datetime.timedelta(days=150)
    compensation = services.remedy_record(
        actor=lawyer.user,
        membership=lawyer,
        matter=matter,
        form="compensation",
        sought_on=sought,
        amount=Decimal(5000 + 2500 * index),
        currency="EUR" if matter.lead_organization.country == "XB" else "USD",
        description="Compensation for the harm suffered (demo).",
    )
    services.remedy_record(actor=lawyer.user, membership=lawyer, matter=matter, form="rehabilitation", sought_on=sought)
    if matter.outcome in ("favourable", "partly_favourable"):
        services.remedy_decide(
            actor=lawyer.user,
            membership=lawyer,
            remedy=compensation,
            status="obtained",
            decided_on=matter.outcome_on,
            enforcement="not_started",
        )


def _a_photo(label):
    image = Image.new("RGB", (320, 200), "white")
    ImageDraw.Draw(image).text((16, 90), f"FICTIONAL DOCUMENT {label}", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def _evidence(matter, lawyer, partner, index, today):
    photo = evidence.evidence_register(
        actor=lawyer.user,
        membership=lawyer,
        matter=matter,
        kind="photo",
        description="Photo of a fictional document (demo).",
        data=_a_photo(index + 1),
        original_name=f"demo-photo-{index + 1}.jpg",
        collected_on=today - datetime.timedelta(days=200),
        arrival="collection",
        place="Field office (demo)",
        reason="Collected at the first interview (demo).",
    )
    evidence.evidence_copy_make(actor=lawyer.user, membership=lawyer, item=photo, kind="metadata_stripped")
    evidence.evidence_transfer(
        actor=lawyer.user,
        membership=lawyer,
        item=photo,
        to_organization=partner.organization,
        place="Handed over in person (demo)",
        reason="The co-counsel prepares the filing (demo).",
    )
    evidence.evidence_register(
        actor=lawyer.user,
        membership=lawyer,
        matter=matter,
        kind="physical",
        description="A torn identity card (demo).",
        physical_location="Locked cabinet of the legal office (demo)",
        collected_on=today - datetime.timedelta(days=190),
        arrival="receipt",
        place="Legal office (demo)",
        reason="Brought by the client (demo).",
    )


def _review(matter, lawyer, partner, today):
    review = reviews.review_hold(
        actor=lawyer.user,
        membership=lawyer,
        matter=matter,
        held_on=today - datetime.timedelta(days=20),
        organizations=[partner.organization],
        agenda="Progress of the case; the next hearing; support to the client (demo).",
        decisions="Prepare the witness statements; ask for the court file (demo).",
        minutes="Both organizations reviewed the case and agreed the next steps (demo).",
    )
    reviews.action_item_add(
        actor=lawyer.user,
        membership=lawyer,
        review=review,
        organization=lawyer.organization,
        title="Prepare the witness statements (demo).",
        due_on=today + datetime.timedelta(days=10),
    )
    reviews.action_item_add(
        actor=lawyer.user,
        membership=lawyer,
        review=review,
        organization=partner.organization,
        title="Ask the court for a copy of the file (demo).",
        due_on=today - datetime.timedelta(days=3),
    )


def _requests(matter, lawyer, partner, today):
    asked = assistance.request_send(
        actor=lawyer.user,
        membership=lawyer,
        matter=matter,
        kind="information",
        question="Do you hold records of the client's earlier complaint? (demo)",
        sent_on=today - datetime.timedelta(days=40),
        due_on=today - datetime.timedelta(days=10),
        addressed_organization=partner.organization,
    )
    assistance.request_reply(
        actor=partner.user,
        membership=partner,
        assistance_request=asked,
        reply="answer",
        response="Yes: a note of the complaint, shared as evidence (demo).",
        answered_on=today - datetime.timedelta(days=15),
    )
    assistance.request_send(
        actor=lawyer.user,
        membership=lawyer,
        matter=matter,
        kind="mutual_legal_assistance",
        question="Please send the investigation file of the case (demo).",
        sent_on=today - datetime.timedelta(days=60),
        due_on=today - datetime.timedelta(days=5),
        addressed_authority="Office of the Prosecutor (demo)",
        addressed_country=partner.organization.country,
    )


def seed(network: dict) -> None:
    organizations = network["organizations"]
    if not all(acronym in organizations for acronym in LEGAL_ORGANIZATIONS):
        return
    today = timezone.localdate()
    forums = _jurisdictions()
    cycle = {
        "BLC": ["demo-xb-high-court", "demo-xb-high-court", "demo-regional-commission", "echr"],
        "SPI": ["demo-xa-district-court", "demo-xa-district-court", "demo-regional-commission"],
    }
    kinds = [
        MatterType.CIVIL_CLAIM,
        MatterType.CRIMINAL_COMPLAINT,
        MatterType.HUMAN_RIGHTS_BODY,
        MatterType.REPARATIONS,
    ]
    lawyers = {acronym: _lawyer(organizations[acronym]) for acronym in LEGAL_ORGANIZATIONS}
    if None in lawyers.values():
        return
    matters = network.setdefault("legal_matters", [])
    for lead, partner in (("BLC", "SPI"), ("SPI", "BLC")):
        lawyer = lawyers[lead]
        for index, case in enumerate(_cases(organizations[lead], MATTERS_PER_ORGANIZATION[lead])):
            if LegalMatter.objects.filter(lead_case=case).exists():
                continue
            rng = random.Random(f"legal-demo-{case.client.code}")
            code = cycle[lead][index % len(cycle[lead])]
            kind = MatterType.HUMAN_RIGHTS_BODY if code in ("echr", "demo-regional-commission") else kinds[index % 2]
            try:
                with transaction.atomic():
                    matter = services.matter_open(
                        actor=lawyer.user,
                        membership=lawyer,
                        case=case,
                        jurisdiction=forums[code],
                        type=kind,
                        violation_categories=VIOLATIONS[index % len(VIOLATIONS)],
                        summary="Fictional summary of the facts for the demo.",
                    )
                    _work(matter, lawyer, lawyers[partner], index, rng, today)
                    matter.refresh_from_db()
                    _people(matter, lawyer, index)
                    _remedies(matter, lawyer, index, today)
                    if index < 2:
                        _evidence(matter, lawyer, lawyers[partner], index, today)
                        _review(matter, lawyer, lawyers[partner], today)
                        _requests(matter, lawyer, lawyers[partner], today)
            except Http404:
                continue  # a sensitive case the demo lawyer is not on: left to its team
            matters.append(matter)
