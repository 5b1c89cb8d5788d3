"""Submitted plans, closure requests and other supervision fixtures, made through the real services."""

from caseway.casework import closure_services, plan_services
from caseway.casework.models import ClosureRequest
from caseway.casework.tests.case_helpers import a_goal, member

# What a caseworker confirms for an ordinary closure (the facts are checked by the service).
CONFIRMED = ("goals_reviewed", "client_informed", "safety_plan_reviewed", "follow_up_consent_asked")


def submitted_plan(personas, case, *, by=None):
    by = by or personas.caseworker_a
    a_goal(personas, case, by=by)
    return plan_services.plan_submit(actor=by, membership=member(by), case=case)


def closure_requested(personas, case, *, by=None, reason=ClosureRequest.Reason.GOALS_MET, **values):
    by = by or personas.caseworker_a
    values.setdefault("confirmed", CONFIRMED)
    return closure_services.closure_request(actor=by, membership=member(by), case=case, reason=reason, **values)
