"""Cases, plans, notes and the rest for the casework tests, made through the real services."""

import datetime

from django.utils import timezone

from caseway.casework import note_services, plan_services
from caseway.casework.models import CaseNote, Domain
from caseway.clients.tests.factories import a_case

WRONG_ROLES = ("admin_a", "monitor_a", "coordinator", "donor")


def member(user):
    return user.memberships.select_related("organization").get()


def our_case(personas, *, sensitive=False, **values):
    """A case of org A, its caseworker caseworker_a (a sensitive one registered by supervisor_a)."""
    values.setdefault("given_name", "Leila")
    values.setdefault("family_name", "Nasser")
    actor = personas.supervisor_a if sensitive else None
    case = a_case(member(personas.caseworker_a), actor=actor, sensitive=sensitive, **values)
    if sensitive:
        type(case).objects.filter(pk=case.pk).update(caseworker=personas.caseworker_a)
        case.refresh_from_db()
    return case


def a_goal(personas, case, *, by=None, domain=Domain.LIVELIHOODS, description="Find paid work near home.", **values):
    by = by or personas.caseworker_a
    return plan_services.goal_add(
        actor=by, membership=member(by), case=case, domain=domain, description=description, **values
    )


def a_task(personas, case, *, by=None, title="Call the training centre.", **values):
    by = by or personas.caseworker_a
    values.setdefault("due_on", timezone.localdate() + datetime.timedelta(days=3))
    return plan_services.task_add(actor=by, membership=member(by), case=case, title=title, **values)


def a_note(personas, case, *, by=None, kind=CaseNote.Kind.CONTACT, text="Met at the office.", **values):
    by = by or personas.caseworker_a
    return note_services.note_write(actor=by, membership=member(by), case=case, kind=kind, text=text, **values)


def a_supervision_note(personas, case, text="Discussed workload and next steps."):
    return a_note(personas, case, by=personas.supervisor_a, kind=CaseNote.Kind.SUPERVISION, text=text)
