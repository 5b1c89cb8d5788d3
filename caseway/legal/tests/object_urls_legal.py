"""Object-scoped URLs of the legal pages (see caseway/tests/object_urls.py): org A's matter; the
other organization's legal officer gets 404."""

import datetime

from caseway.casework.tests.appointment_helpers import member
from caseway.clients.models import ConsentPurpose
from caseway.clients.tests.factories import a_case, give_consent


def a_matter(personas):
    from caseway.legal import services
    from caseway.legal.models import Jurisdiction

    lawyer = member(personas.legal_officer_a)
    case = a_case(lawyer)
    give_consent(case.client, ConsentPurpose.LEGAL_REPRESENTATION, recorded_by=lawyer, recipient=personas.org_a)
    return services.matter_open(
        actor=personas.legal_officer_a,
        membership=lawyer,
        case=case,
        jurisdiction=Jurisdiction.objects.get(code="echr"),
        type="human_rights_body",
    )


def a_deadline(personas):
    from caseway.legal import services

    matter = a_matter(personas)
    event = services.event_record(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        trigger="final_domestic_decision",
        occurred_on=datetime.date(2025, 3, 14),
    )
    return event.deadlines.get()


def a_remedy(personas):
    from caseway.legal import services

    return services.remedy_record(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=a_matter(personas),
        form="restitution",
        sought_on=datetime.date(2025, 5, 1),
    )


def a_party(personas):
    from caseway.legal import parties

    return parties.party_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=a_matter(personas),
        role="witness",
        pseudonym="Witness A",
        name="Fictional Witness Name",
        protection_measures=["pseudonym", "voice_distortion"],
    )


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase

    return ObjectCase(*args, **kwargs)


def an_alert(personas):
    from caseway.legal.alerts import deadline_alerts_run
    from caseway.legal.models import DeadlineAlert

    deadline = a_deadline(personas)
    deadline_alerts_run(today=datetime.date(2025, 7, 10))
    return DeadlineAlert.objects.get(organization=personas.org_a, deadline=deadline)


OBJECT_URLS = {
    "legal:matter": lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"pk": a_matter(personas).pk}
    ),
    "legal:deadline_met": lambda personas: _object_case(
        personas.legal_officer_a,
        personas.legal_officer_b,
        {"pk": a_deadline(personas).pk},
        method="post",
        data={"met_on": "2025-07-01"},
    ),
    "legal:case_matters": lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"case_pk": a_matter(personas).lead_case_id}
    ),
    "legal:co_counsel_add": lambda personas: _object_case(
        personas.legal_officer_a,
        personas.legal_officer_b,
        {"pk": a_matter(personas).pk},
        method="post",
        data={"organization": personas.org_other.pk, "role": "expert"},
    ),
    "legal:remedy_add": lambda personas: _object_case(
        personas.legal_officer_a,
        personas.legal_officer_b,
        {"pk": a_matter(personas).pk},
        method="post",
        data={"form": "rehabilitation", "sought_on": "2025-05-01"},
    ),
    "legal:remedy_decide": lambda personas: _object_case(
        personas.legal_officer_a,
        personas.legal_officer_b,
        {"pk": a_remedy(personas).pk},
        method="post",
        data={"status": "obtained", "decided_on": "2025-09-01"},
    ),
    "legal:alert_seen": lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"pk": an_alert(personas).pk}, method="post"
    ),
    "legal:stage_set": lambda personas: _object_case(
        personas.legal_officer_a,
        personas.legal_officer_b,
        {"pk": a_matter(personas).pk},
        method="post",
        data={"stage": "investigation", "entered_on": "2025-01-10"},
    ),
    "legal:parties": lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"pk": a_matter(personas).pk}
    ),
    "legal:party": lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"pk": a_party(personas).pk}
    ),
    "legal:event_change": lambda personas: _object_case(
        personas.legal_officer_a,
        personas.legal_officer_b,
        {"pk": a_deadline(personas).event_id},
        method="post",
        data={"occurred_on": "2025-03-20"},
    ),
}
