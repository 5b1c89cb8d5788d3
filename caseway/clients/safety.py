"""Safety plans: what a client and caseworker agree to do when danger comes, and when to review it.

A case has at most one plan (``SafetyPlan``, one-to-one). Everything in it that could locate or
identify someone is encrypted under the client's data key (erasing the client shreds the plan):
trusted contacts (several: name, phone, relationship), safe places, warning signs, a code word
and a digital-safety checklist; the review date stays in clear so the review task can find it.

Who sees what:

- the whole plan is **risk** information (``DataCategory.RISK``): another organization sees it
  only when the client agreed to share that category with it; otherwise the pages answer 404
  and the services refuse (``risk_case``, ``may_see_risk``);
- trusted contacts are other people's names and phones: they follow the client's identity rules
  (``access.can_see_identity``: identity shared, and for a sensitive case only its team or
  someone who broke the glass). Someone else sees how many contacts there are, never who, and
  saving the plan keeps the contacts as they are (``values`` without ``trusted_contacts``).

Decisions:

- Saving a plan while ``case.safety_plan_required`` is set (an imminent risk) clears it: the case
  may continue (``gates``). Saving counts as the review with the client even when nothing in the
  plan changed (an existing plan that did not prevent an imminent risk must be gone through
  again), so the save is written and audited.
- Alerts: the supervisors' ``IMMINENT_RISK`` alert stays open: it asks a supervisor to know
  about the risk and to look at the plan, which the plan does not do for them; they mark it done
  (the alert inbox). A caseworker *task* of that kind (``audience=CASEWORKER``, none is created
  today, later apps may) is done by making the plan, so it is resolved by the same save.
- Every save needs a review date, after today and within a year. When the review date
  arrives, ``safety_reviews_run`` (daily: ``safety_tasks.safety_plan_reviews`` or the
  ``clients_safety_reviews`` command) gives the caseworker a ``SAFETY_PLAN_REVIEW`` task, once per
  save; a save with a review date after today resolves the open ones (the review happened).
- The audit log names the fields written, never their values; a page that shows a plan writes a
  ``clients.safety_plan_viewed`` event naming the parts shown.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseway import audit
from caseway.clients import access
from caseway.clients.models import Case, CaseAlert, CaseStatus, DataCategory, SafetyPlan
from caseway.clients.services import require
from caseway.orgs.permissions import Action

PLAN_FIELDS = ("trusted_contacts", "safe_places", "warning_signs", "code_word", "digital_safety", "review_date")
CONTACT_FIELDS = ("name", "phone", "relationship")
MAX_TRUSTED_CONTACTS = 5
MAX_NAME_LENGTH = 150
MAX_RELATIONSHIP_LENGTH = 100
MAX_TEXT_LENGTH = 2000
MAX_CODE_WORD_LENGTH = 100
MIN_PHONE_DIGITS = 6
MAX_PHONE_DIGITS = 15  # E.164
REVIEW_HORIZON = datetime.timedelta(days=366)
PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()./-]+$")

# The digital-safety checklist: each item is checked when it was gone through with the client.
DIGITAL_SAFETY_ITEMS = {
    "shared_phone": gettext_lazy("Shared phone: checked who else uses or looks at the client's phone"),
    "location_sharing": gettext_lazy("Location sharing turned off on the phone, in apps and on photos"),
    "social_media": gettext_lazy("Social media: privacy settings checked; nothing posted shows where the client is"),
    "passwords": gettext_lazy("Passwords and PIN codes changed and known to nobody else"),
    "call_log": gettext_lazy("Calls and messages with us deleted from the history when that is safer"),
}
DIGITAL_SAFETY_CODES = tuple(DIGITAL_SAFETY_ITEMS)

ALERT_REVIEW_DONE = "alert.safety_plan_review"
SYSTEM_ACTOR_LABEL = "task:clients_safety_reviews"


# ---------------------------------------------------------------------------------------------
# Who may see it


def may_see_risk(membership, case, categories=None) -> bool:
    """Whether ``membership`` may see ``case``'s risk information (safety plan, incidents)."""
    categories = access.visible_categories(membership, case) if categories is None else categories
    return DataCategory.RISK in categories


def risk_case(membership, pk) -> Case:
    """``membership``'s organization's case ``pk`` when its risk information is visible; else 404."""
    case = access.get_case_for_member(membership, pk)
    if not may_see_risk(membership, case):
        raise Http404
    return case


def sees_trusted_contacts(membership, case, categories=None) -> bool:
    """Trusted contacts are people's names and phones: the client's identity rules apply."""
    return access.can_see_identity(membership, case, categories)


def plan_of(case) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(case=case).select_related("data_key", "updated_by").first()


def is_review_due(plan, *, today=None) -> bool:
    if plan is None or plan.review_date is None:
        return False
    return plan.review_date <= (today or timezone.localdate())


# ---------------------------------------------------------------------------------------------
# Validation


def _western_digits(text: str) -> str:
    """Arabic-Indic and other digits as 0-9, so ٠٩١٢ and 0912 are the same number."""
    return "".join(str(unicodedata.digit(char)) if char.isdigit() else char for char in text)


def clean_phone(value) -> str:
    """A phone number as typed (any script's digits made 0-9); raises ``ValueError`` with a message."""
    phone = " ".join(_western_digits(str(value or "")).split())
    if not phone:
        return ""
    digits = sum(char.isdigit() for char in phone)
    if not PHONE_CHARACTERS.fullmatch(phone) or not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
        raise ValueError(
            _("Write a phone number with %(min)d to %(max)d digits, for example +235 66 12 34 56.")
            % {"min": MIN_PHONE_DIGITS, "max": MAX_PHONE_DIGITS}
        )
    return phone


def _clean_contacts(value, errors) -> list[dict]:
    if not isinstance(value, (list, tuple)):
        raise ValueError("trusted_contacts must be a list of {name, phone, relationship}.")
    contacts = []
    for index, contact in enumerate(value):
        if not isinstance(contact, dict) or set(contact) - set(CONTACT_FIELDS):
            raise ValueError("Each trusted contact is a dict with name, phone and relationship only.")
        name = " ".join(str(contact.get("name") or "").split())
        relationship = " ".join(str(contact.get("relationship") or "").split())
        try:
            phone = clean_phone(contact.get("phone"))
        except ValueError as error:
            errors[f"contact_{index}_phone"] = str(error)
            phone = ""
        if not (name or phone or relationship):
            continue  # an empty row of the form
        if not name:
            errors[f"contact_{index}_name"] = _("Write the name the client uses for this person.")
        elif len(name) > MAX_NAME_LENGTH:
            errors[f"contact_{index}_name"] = _("Keep the name under %(count)d characters.") % {
                "count": MAX_NAME_LENGTH
            }
        if not phone and f"contact_{index}_phone" not in errors:
            errors[f"contact_{index}_phone"] = _("Write a phone number the client can reach this person on.")
        if len(relationship) > MAX_RELATIONSHIP_LENGTH:
            errors[f"contact_{index}_relationship"] = _("Keep this under %(count)d characters.") % {
                "count": MAX_RELATIONSHIP_LENGTH
            }
        contacts.append({"name": name, "phone": phone, "relationship": relationship})
    if len(contacts) > MAX_TRUSTED_CONTACTS:
        errors["trusted_contacts"] = _("Keep at most %(count)d trusted contacts.") % {"count": MAX_TRUSTED_CONTACTS}
    return contacts


def _clean_digital_safety(value, errors) -> dict:
    if isinstance(value, dict):
        unknown = set(value) - set(DIGITAL_SAFETY_CODES)
        checked = {code for code, done in value.items() if done is True}
    elif isinstance(value, (list, tuple, set, frozenset)):
        unknown = set(value) - set(DIGITAL_SAFETY_CODES)
        checked = set(value)
    else:
        raise ValueError("digital_safety must be the list of checked items or a {item: bool} dict.")
    if unknown:
        errors["digital_safety"] = _("Choose items from the checklist.")
    return {code: code in checked for code in DIGITAL_SAFETY_CODES}


def _clean_review_date(value, errors, today):
    if value in (None, ""):
        errors["review_date"] = _("Choose the date to review the plan with the client.")
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            errors["review_date"] = _("Enter a valid date.")
            return None
    if value <= today:
        errors["review_date"] = _("Choose a review date after today.")
    elif value > today + REVIEW_HORIZON:
        errors["review_date"] = _("Review the plan within a year: choose an earlier date.")
    return value


def _clean_long_text(name, value, errors, limit) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        errors[name] = _("Keep this under %(count)d characters.") % {"count": limit}
    return text


def clean_values(values: dict, *, today=None) -> dict:
    """The plan's values checked and normalised; ``ValidationError`` naming fields (translated).

    ``review_date`` is always required; the other keys are optional (left out: kept as stored).
    """
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Unknown safety plan fields: {sorted(unknown)}")
    today = today or timezone.localdate()
    errors = {}
    cleaned = {}
    if "trusted_contacts" in values:
        cleaned["trusted_contacts"] = _clean_contacts(values["trusted_contacts"] or [], errors)
    for name in ("safe_places", "warning_signs"):
        if name in values:
            cleaned[name] = _clean_long_text(name, values[name], errors, MAX_TEXT_LENGTH)
    if "code_word" in values:
        cleaned["code_word"] = " ".join(str(values["code_word"] or "").split())
        if len(cleaned["code_word"]) > MAX_CODE_WORD_LENGTH:
            errors["code_word"] = _("Keep the code word under %(count)d characters.") % {"count": MAX_CODE_WORD_LENGTH}
    if "digital_safety" in values:
        cleaned["digital_safety"] = _clean_digital_safety(values["digital_safety"] or [], errors)
    cleaned["review_date"] = _clean_review_date(values.get("review_date"), errors, today)
    if errors:
        raise ValidationError(errors)
    return cleaned


# ---------------------------------------------------------------------------------------------
# Writing


def _stored(plan: SafetyPlan, name: str):
    value = getattr(plan, name)
    if name == "digital_safety":
        return {code: bool((value or {}).get(code)) for code in DIGITAL_SAFETY_CODES}
    if name == "trusted_contacts":
        return list(value or [])
    return value if value is not None else ("" if name != "review_date" else None)


def _empty(value) -> bool:
    if isinstance(value, dict):
        return not any(value.values())
    return value in (None, "", [])


def safety_plan_save(*, actor, membership, case: Case, values: dict, request=None) -> SafetyPlan:
    """Create or update ``case``'s safety plan; clear a required plan; audit the fields written.

    ``values`` holds keys of ``PLAN_FIELDS`` (``review_date`` required; any other key left out
    keeps what is stored). Changing ``trusted_contacts`` needs ``sees_trusted_contacts``. The
    returned plan carries ``created``, ``changed`` (field names) and ``cleared_requirement``.
    """
    require(membership, Action.VIEW_PERSONAL_DATA)
    cleaned = clean_values(values)
    with transaction.atomic():
        locked = access.get_case_for_update(membership, case.pk)
        categories = access.visible_categories(membership, locked)
        if not may_see_risk(membership, locked, categories):
            raise PermissionDenied
        if "trusted_contacts" in cleaned and not sees_trusted_contacts(membership, locked, categories):
            raise PermissionDenied
        plan = SafetyPlan.objects.select_for_update().filter(case=locked).first()
        created = plan is None
        if created:
            plan = SafetyPlan(case=locked, data_key_id=locked.client.data_key_id)
            changed = [name for name in PLAN_FIELDS if name in cleaned and not _empty(cleaned[name])]
        else:
            changed = [name for name in PLAN_FIELDS if name in cleaned and _stored(plan, name) != cleaned[name]]
        required = locked.safety_plan_required
        if not created and not changed and not required:
            plan.created, plan.changed, plan.cleared_requirement = False, [], False
            return plan
        now = timezone.now()
        for name in changed:
            setattr(plan, name, cleaned[name])
        plan.updated_by = actor
        plan.updated_at = now
        plan.save()
        written = list(changed)
        if required:
            locked.safety_plan_required = False
            locked.save(update_fields=["safety_plan_required"])
            written.append("case.safety_plan_required")
            tasks_done = CaseAlert.objects.filter(
                case=locked,
                kind=CaseAlert.Kind.IMMINENT_RISK,
                audience=CaseAlert.Audience.CASEWORKER,
                resolved_at__isnull=True,
            ).update(resolved_at=now, resolved_by=actor)
            if tasks_done:
                written.append("alert.imminent_risk.caseworker")
        if plan.review_date > timezone.localdate(now):
            reviewed = CaseAlert.objects.filter(
                case=locked, kind=CaseAlert.Kind.SAFETY_PLAN_REVIEW, resolved_at__isnull=True
            ).update(resolved_at=now, resolved_by=actor)
            if reviewed:
                written.append(ALERT_REVIEW_DONE)
        audit.record(
            actor,
            "clients.safety_plan_created" if created else "clients.safety_plan_updated",
            plan,
            fields=written or ["reviewed"],
            organization=membership.organization_id,
            request=request,
        )
    case.safety_plan_required = locked.safety_plan_required
    plan.created, plan.changed, plan.cleared_requirement = created, changed, required
    return plan


# ---------------------------------------------------------------------------------------------
# Review reminders (a background task and a command run this daily)


@dataclass
class ReviewRun:
    due: int = 0
    created: int = 0

    def as_dict(self) -> dict:
        return {"due": self.due, "created": self.created}


def _end_of_day(day: datetime.date) -> datetime.datetime:
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(23, 59), tzinfo=zone)


def plans_due_for_review(*, today):
    """Plans whose review date has come, on open cases of clients not erased, not alerted since saved.

    A review alert of the case still open, or created after the plan was last saved, means this
    review date was already announced: one task per save, never one a day.
    """
    announced = CaseAlert.objects.filter(case=OuterRef("case"), kind=CaseAlert.Kind.SAFETY_PLAN_REVIEW).filter(
        Q(resolved_at__isnull=True) | Q(created_at__gte=OuterRef("updated_at"))
    )
    return (
        SafetyPlan.objects.filter(
            review_date__lte=today,
            case__client__erased_at__isnull=True,
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .filter(~Exists(announced))
        .order_by("review_date", "pk")
    )


def _announce(plan_pk, *, today, now) -> bool:
    with transaction.atomic():
        plan = plans_due_for_review(today=today).filter(pk=plan_pk).select_related("case").first()
        if plan is None:
            return False  # saved or announced by someone else meanwhile
        case = Case.objects.select_for_update().get(pk=plan.case_id)
        if not plans_due_for_review(today=today).filter(pk=plan_pk).exists():
            return False
        alert = CaseAlert.objects.create(
            case=case,
            kind=CaseAlert.Kind.SAFETY_PLAN_REVIEW,
            audience=CaseAlert.Audience.CASEWORKER,
            assigned_to_id=case.caseworker_id,
            is_task=True,
            due_at=max(_end_of_day(plan.review_date), now),
            created_at=now,
        )
        audit.record(
            None,
            "clients.safety_review_alerted",
            alert,
            fields=["kind", "assigned_to", "due_at"],
            organization=case.organization_id,
            actor_label=SYSTEM_ACTOR_LABEL,
        )
    return True


def safety_reviews_run(*, now=None, dry_run=False, progress=None) -> ReviewRun:
    """Give the caseworker a review task for every plan whose review date has come (see above).

    Each plan is handled in its own transaction, its case locked, so two runs at once create one
    task. ``dry_run`` only counts; ``progress(done, total)`` is called as it goes.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(plans_due_for_review(today=today).values_list("pk", flat=True))
    run = ReviewRun(due=len(due))
    if dry_run:
        return run
    for done, plan_pk in enumerate(due, 1):
        if _announce(plan_pk, today=today, now=now):
            run.created += 1
        if progress is not None:
            progress(done, len(due))
    return run
