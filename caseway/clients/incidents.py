"""GBV incident records: classified with the GBVIMS tool, never naming anyone.

``incident_record`` is the one path for recording an incident (pages, and the API or imports
later). It classifies the answers with ``gbvims.classify`` (the tool's questions in its decision
order, stopping at the first yes), records the context separately (``gbvims.CONTEXTS``), the date
(and time when known), the area, the *type* of perpetrator only (there is no field for anyone's
identity, and no free text in which to write one), and when it was reported.

Decisions:

- **Category.** An incident is risk information (``DataCategory.RISK``), like the safety plan and
  the subject-access export: another organization sees it only when the client agreed to share
  risk information with it (pages 404, services refuse). Health is not used: the record says what
  happened, not the care given, and one category keeps the two risk records together.
- **Answers kept.** Only the answers the tool used are stored (up to the first yes), encrypted
  under the client's key: what came after is not needed to classify and is not collected.
- **Time since the incident.** With a date (and a time when known) ``within_72_hours`` is
  ``gbvims.is_within_pep_window(incident, reported_at)``; a date alone counts as late as that day
  may end anywhere (the survivor is never told it is too late when it may not be). Without a
  date, the person recording answers whether it may have been in the last 72 hours; "not sure"
  counts as yes, for the same reason.
- **Urgent health need.** Post-exposure prophylaxis (and emergency contraception) concern sexual
  violence: a *rape* or *sexual assault* still within 72 hours *now* sets
  ``case.urgent_health_need``, gives the caseworker a task and alerts the supervisors
  (``CaseAlert.Kind.URGENT_HEALTH``; an open alert of the same kind and audience is not repeated).
  Other types within 72 hours are recorded as such (``within_72_hours``) without a PEP alert,
  whose text would be wrong for them.
- **Sensitivity.** Recording an incident of any GBV type marks the case sensitive (names masked,
  identity for its team) unless it already is; it is never lowered here. This protective change
  needs no supervisor (lowering it does: ``records_services.case_sensitivity_set``) and is audited
  as ``clients.case_sensitivity_changed``.
- **Gate.** Like any new work on a case, an incident is not recorded while a safety plan is
  required (``gates.check_case_may_continue``). Urgent medical care must not wait for the record:
  the page says so.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseway import audit
from caseway.clients import access, alerts, gates, gbvims
from caseway.clients.models import Case, Incident
from caseway.clients.safety import may_see_risk
from caseway.clients.services import require
from caseway.directory.models import AdminArea
from caseway.orgs.permissions import Action

# Incident types for which post-exposure prophylaxis and emergency contraception are time-limited.
SEXUAL_VIOLENCE = (gbvims.RAPE, gbvims.SEXUAL_ASSAULT)
# A report recorded a little ahead of the server's clock is a clock difference, not the future.
CLOCK_SKEW = datetime.timedelta(minutes=5)

RECENT_YES = "yes"
RECENT_NO = "no"
RECENT_NOT_SURE = "not_sure"
RECENT_CHOICES = (
    (RECENT_YES, gettext_lazy("Yes, in the last 72 hours")),
    (RECENT_NO, gettext_lazy("No, more than 72 hours ago")),
    (RECENT_NOT_SURE, gettext_lazy("Not sure")),
)


def visible_incidents(membership, case):
    """The incidents of ``case`` that ``membership`` may see (none without the risk category)."""
    if case.organization_id != membership.organization_id or not may_see_risk(membership, case):
        return Incident.objects.none()
    return Incident.objects.filter(case=case).select_related("admin_area", "recorded_by")


def get_incident(membership, case, pk) -> Incident:
    try:
        return visible_incidents(membership, case).select_related("data_key").get(pk=pk)
    except (Incident.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def used_answers(answers: dict) -> dict:
    """The answers the tool used: every question up to and including the first yes."""
    used = {}
    for question in gbvims.QUESTIONS:
        if question.key not in answers:
            break
        used[question.key] = answers[question.key]
        if answers[question.key] is True:
            break
    return used


def incident_moment(incident_date, incident_time):
    """The incident as ``gbvims`` windows take it: an aware datetime when the time is known, else the date."""
    if incident_date is None:
        return None
    if incident_time is None:
        return incident_date
    return datetime.datetime.combine(incident_date, incident_time, tzinfo=timezone.get_current_timezone())


def _check_when(errors, incident_date, incident_time, reported_at, recent, now):
    if reported_at is None:
        errors["reported_at"] = _("Say when the incident was reported.")
    elif timezone.is_naive(reported_at):
        raise ValueError("reported_at must be an aware datetime.")
    elif reported_at > now + CLOCK_SKEW:
        errors["reported_at"] = _("The report cannot be in the future.")
    if incident_date is None:
        if incident_time is not None:
            errors["incident_time"] = _("Give the date of the incident with its time.")
        if recent not in (RECENT_YES, RECENT_NO, RECENT_NOT_SURE):
            errors["recent"] = _("Without a date, say whether the incident may have happened in the last 72 hours.")
        return
    moment = incident_moment(incident_date, incident_time)
    if incident_date > timezone.localdate(now) or (isinstance(moment, datetime.datetime) and moment > now):
        errors["incident_date"] = _("The incident cannot be in the future.")
    elif reported_at is not None and "reported_at" not in errors:
        try:
            gbvims.is_within_pep_window(moment, reported_at)
        except ValueError:
            errors["incident_date"] = _("The incident cannot have happened after it was reported.")


def _within(moment, recent, at) -> bool:
    if moment is None:
        return recent in (RECENT_YES, RECENT_NOT_SURE)
    return gbvims.is_within_pep_window(moment, at)


def _task_due(moment, now):
    """When the caseworker's task is due: within a day, earlier when the 72 hours end sooner."""
    due = now + alerts.TASK_DUE
    if isinstance(moment, datetime.datetime):
        due = min(due, moment + gbvims.PEP_WINDOW)
    return max(due, now)


def incident_record(
    *,
    actor,
    membership,
    case: Case,
    answers: dict,
    perpetrator_type: str,
    contexts=(),
    incident_date: datetime.date | None = None,
    incident_time: datetime.time | None = None,
    recent: str = "",
    admin_area: AdminArea | None = None,
    reported_at: datetime.datetime | None = None,
    request=None,
) -> Incident:
    """Classify and record one incident on ``case``; act on its type and timing (see the module).

    ``answers`` maps ``gbvims.QUESTION_KEYS`` to True/False (every question up to the first yes);
    ``recent`` (``RECENT_*``) is asked only when ``incident_date`` is not known. The returned
    incident carries ``urgent`` and ``marked_sensitive``. Bad input raises a translated
    ``ValidationError`` naming fields, and nothing is written.
    """
    require(membership, Action.VIEW_PERSONAL_DATA)
    now = timezone.now()
    reported_at = reported_at or now
    errors = {}
    try:
        incident_type = gbvims.classify(answers)
    except ValueError as error:
        errors["answers"] = str(error)
        incident_type = None
    try:
        contexts = gbvims.clean_contexts(contexts or ())
    except ValueError as error:
        errors["contexts"] = str(error)
    if perpetrator_type not in Incident.PerpetratorType.values:
        errors["perpetrator_type"] = _("Choose the type of perpetrator.")
    if admin_area is not None and not isinstance(admin_area, AdminArea):
        raise TypeError("admin_area must be an AdminArea or None.")
    _check_when(errors, incident_date, incident_time, reported_at, recent, now)
    if errors:
        raise ValidationError(errors)
    moment = incident_moment(incident_date, incident_time)
    with transaction.atomic():
        locked = access.get_case_for_update(membership, case.pk)
        if not may_see_risk(membership, locked):
            raise PermissionDenied
        gates.check_case_may_continue(locked)
        incident = Incident.objects.create(
            case=locked,
            data_key_id=locked.client.data_key_id,
            classification_answers=used_answers(answers),
            incident_type=incident_type,
            contexts=contexts,
            incident_date=incident_date,
            admin_area=admin_area,
            perpetrator_type=perpetrator_type,
            reported_at=reported_at,
            within_72_hours=_within(moment, recent, reported_at),
            recorded_by=actor,
        )
        written = ["classification_answers", "incident_type", "perpetrator_type", "reported_at", "within_72_hours"]
        written += [
            name
            for name, value in (("contexts", contexts), ("incident_date", incident_date), ("admin_area", admin_area))
            if value
        ]
        marked_sensitive = incident_type in gbvims.GBV_TYPES and not locked.is_sensitive
        if marked_sensitive:
            locked.sensitivity = Case.Sensitivity.SENSITIVE
            locked.save(update_fields=["sensitivity"])
            written.append("case.sensitivity")
            audit.record(
                actor,
                "clients.case_sensitivity_changed",
                locked,
                fields=["sensitivity"],
                reason="gbv_incident_recorded",
                organization=membership.organization_id,
                request=request,
            )
        urgent = incident_type in SEXUAL_VIOLENCE and _within(moment, recent, now)
        if urgent:
            written += alerts.urgent_health_need(locked, actor=actor, now=now, due_at=_task_due(moment, now))
        audit.record(
            actor,
            "clients.incident_recorded",
            incident,
            fields=written,
            organization=membership.organization_id,
            request=request,
        )
    for name in ("sensitivity", "urgent_health_need"):
        setattr(case, name, getattr(locked, name))
    incident.urgent = urgent
    incident.marked_sensitive = marked_sensitive
    return incident
