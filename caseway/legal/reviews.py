"""Multi-stakeholder case reviews of a matter: a meeting of several organizations, its agenda,
decisions and minutes (encrypted under the client's key), who took part, and the action items.

- A party of the matter **holds** a review on a day with the organizations taking part (its own
  always among them) and may later **write** its agenda, decisions and minutes (the row is
  locked: two people may write them at once).
- **Participants**: an organization of the network, optionally one of its people, with a role in
  the meeting. Someone from outside the network cannot be an organization row: they are recorded
  on a participant row of the organization that invited them, described in the role text
  ("Prosecutor's office of XB, observer").
- **Action items**: for an organization taking part, optionally a person of it, by a day. If that
  organization has an open case of the matter's client, the item becomes a task on that case
  (assigned to the person, due on the day) and is followed there: the item reads done when the
  task is done, nothing is kept twice. Otherwise it is followed on the review and marked done
  there.

Every write is audited, field names only.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.casework import plan_services
from caseway.casework.models import Task
from caseway.clients.models import Case, CaseStatus
from caseway.legal import access, reviews_access
from caseway.legal.models import CaseReview, ReviewActionItem, ReviewParticipant
from caseway.legal.services import _require
from caseway.orgs.models import Membership, Organization
from caseway.orgs.permissions import Action

TEXT_MAX_LENGTH = 20000
ROLE_MAX_LENGTH = 120
# The task's title carries the review's day in front of the item's title (Task titles: 300).
TITLE_MAX_LENGTH = 240


def _audit(actor, action, target, fields, membership, request, organization=None):
    audit.record(
        actor,
        action,
        target,
        fields=fields,
        organization=organization or membership.organization_id,
        request=request,
    )


def _text(value, field, max_length=TEXT_MAX_LENGTH, *, required=False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("Keep it under %(count)d characters.") % {"count": max_length}})
    return value


def _active_organizations(organizations) -> list:
    ids = list(dict.fromkeys(getattr(organization, "pk", organization) for organization in organizations))
    found = set(Organization.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    if len(found) != len(ids):
        raise ValidationError({"organizations": _("Choose active organizations of the network.")})
    return ids


def review_hold(
    *, actor, membership, matter, held_on, organizations=(), agenda="", decisions="", minutes="", request=None
) -> CaseReview:
    """A review of ``matter`` on ``held_on`` with ``organizations`` (the actor's own is always one)."""
    _require(membership)
    texts = {
        "agenda": _text(agenda, "agenda"),
        "decisions": _text(decisions, "decisions"),
        "minutes": _text(minutes, "minutes"),
    }
    with transaction.atomic():
        matter = access.get_matter_for_member(membership, matter.pk)
        ids = _active_organizations([membership.organization_id, *organizations])
        review = CaseReview.objects.create(
            matter=matter,
            held_on=held_on,
            data_key_id=matter.data_key_id,
            created_by=actor,
            **{name: value or None for name, value in texts.items()},
        )
        ReviewParticipant.objects.bulk_create(
            ReviewParticipant(review=review, organization_id=organization_id) for organization_id in ids
        )
        fields = ["held_on", "participants", *(name for name, value in texts.items() if value)]
        _audit(actor, "legal.review_held", review, fields, membership, request)
    return review


def review_write(*, actor, membership, review, held_on, agenda="", decisions="", minutes="", request=None):
    """Change the review's day, agenda, decisions or minutes (only what changed is written)."""
    _require(membership)
    values = {
        "agenda": _text(agenda, "agenda") or None,
        "decisions": _text(decisions, "decisions") or None,
        "minutes": _text(minutes, "minutes") or None,
    }
    with transaction.atomic():
        review = reviews_access.get_review_for_update(membership, review.pk)
        changed = ["held_on"] if review.held_on != held_on else []
        review.held_on = held_on
        for name, value in values.items():
            if getattr(review, name) != value:
                setattr(review, name, value)
                changed.append(name)
        if changed:
            review.save(update_fields=changed)
            _audit(actor, "legal.review_written", review, changed, membership, request)
    return review


def _check_member(organization_id, user, field, roles=None):
    if user is None:
        return None
    members = Membership.objects.filter(
        organization_id=organization_id, user_id=getattr(user, "pk", user), is_active=True, user__is_active=True
    )
    if roles is not None:
        members = members.filter(role__in=roles)
    if not members.exists():
        raise ValidationError({field: _("Choose an active member of that organization.")})
    return getattr(user, "pk", user)


def participant_add(*, actor, membership, review, organization, user=None, role="", request=None):
    """An organization of the network takes part, optionally one of its people, with a role."""
    _require(membership)
    role = _text(role, "role", ROLE_MAX_LENGTH)
    with transaction.atomic():
        review = reviews_access.get_review_for_update(membership, review.pk)
        organization_id = _active_organizations([organization])[0]
        user_id = _check_member(organization_id, user, "user")
        present = ReviewParticipant.objects.filter(review=review, organization_id=organization_id)
        if user_id is not None and present.filter(user_id=user_id).exists():
            raise ValidationError({"user": _("This person is already listed.")})
        if user_id is None and not role and present.exists():
            raise ValidationError({"organization": _("This organization already takes part.")})
        participant = ReviewParticipant.objects.create(
            review=review, organization_id=organization_id, user_id=user_id, role=role
        )
        fields = ["organization"] + (["user"] if user_id else []) + (["role"] if role else [])
        _audit(actor, "legal.review_participant_added", participant, fields, membership, request)
    return participant


def _open_case(organization_id, client_id):
    """The organization's open case of the client, locked, if it has one."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("client")
        .filter(organization_id=organization_id, client_id=client_id, client__erased_at__isnull=True)
        .exclude(status=CaseStatus.CLOSED)
        .first()
    )


def _task_title(review, title) -> str:
    return _("Case review of %(day)s: %(title)s") % {"day": review.held_on.isoformat(), "title": title}


def _task_on(case, *, actor, membership, review, title, assignee_id, due_on, request):
    """The item's task on ``case``. On the actor's own organization's case through casework's own
    ``task_add`` (which reaches the case through the actor's membership); on another
    organization's case, which the actor cannot reach, written here with the same checks and
    audited in that organization's log."""
    title = _task_title(review, title)
    if case.organization_id == membership.organization_id and membership.allows(Action.VIEW_PERSONAL_DATA):
        return plan_services.task_add(
            actor=actor,
            membership=membership,
            case=case,
            title=title,
            assignee=assignee_id,
            due_on=due_on,
            request=request,
        )
    _check_member(case.organization_id, assignee_id, "assignee", roles=plan_services.ASSIGNABLE_ROLES)
    task = Task.objects.create(
        case=case,
        data_key_id=case.client.data_key_id,
        title=title,
        assignee_id=assignee_id,
        due_on=due_on,
        created_by=actor,
        created_at=timezone.now(),
    )
    _audit(
        actor,
        "casework.task_added",
        task,
        ["title", "assignee", "due_on"],
        membership,
        request,
        organization=case.organization_id,
    )
    return task


def action_item_add(
    *, actor, membership, review, organization, title, assignee=None, due_on=None, request=None
) -> ReviewActionItem:
    """An action for an organization taking part in the review; a task on its open case of the
    client if it has one."""
    _require(membership)
    title = _text(title, "title", TITLE_MAX_LENGTH, required=True)
    with transaction.atomic():
        review = reviews_access.get_review_for_update(membership, review.pk)
        organization_id = getattr(organization, "pk", organization)
        if not ReviewParticipant.objects.filter(review=review, organization_id=organization_id).exists():
            raise ValidationError({"organization": _("Choose an organization taking part in the review.")})
        assignee_id = _check_member(organization_id, assignee, "assignee")
        matter = review.matter
        case = _open_case(organization_id, matter.client_id)
        task = None
        if case is not None:
            task = _task_on(
                case,
                actor=actor,
                membership=membership,
                review=review,
                title=title,
                assignee_id=assignee_id,
                due_on=due_on,
                request=request,
            )
        item = ReviewActionItem.objects.create(
            review=review,
            organization_id=organization_id,
            assignee_id=assignee_id,
            data_key_id=matter.data_key_id,
            title=title,
            due_on=due_on,
            task=task,
        )
        fields = ["organization", "title"] + (["assignee"] if assignee_id else []) + (["due_on"] if due_on else [])
        fields += ["task"] if task else []
        _audit(actor, "legal.review_action_added", item, fields, membership, request)
    return item


def action_item_done(*, actor, membership, item, request=None) -> ReviewActionItem:
    """Mark an action done: on the review if it is followed there; if it is a task of the actor's
    organization, the task is marked done (casework's ``task_done``); another organization's task
    is marked done by that organization, in its casework."""
    _require(membership)
    with transaction.atomic():
        item = reviews_access.get_action_item_for_update(membership, item.pk)
        if item.task_id is not None:
            task = Task.objects.select_related("case").get(pk=item.task_id)
            if task.case.organization_id != membership.organization_id:
                raise ValidationError(_("This action is followed by the organization it is for, which marks it done."))
            plan_services.task_done(actor=actor, membership=membership, case=task.case, task=task, request=request)
            return item
        if item.done_at is not None:
            raise ValidationError(_("This action is already done."))
        item.done_at = timezone.now()
        item.save(update_fields=["done_at"])
        _audit(actor, "legal.review_action_done", item, ["done_at"], membership, request)
    return item


def action_items_of(review, today=None):
    """The review's action items (a list), read through their task when they have one (nothing is kept
    twice: the task may be reassigned, moved or done in casework): ``finished_at``, ``due``,
    ``person`` and ``overdue`` (due day passed, not finished)."""
    today = today or timezone.localdate()
    due = Coalesce("task__due_on", "due_on")
    finished = Coalesce("task__done_at", "done_at")
    items = (
        ReviewActionItem.objects.filter(review=review)
        .select_related("organization", "assignee", "data_key", "task__assignee")
        .annotate(finished_at=finished, due=due)
        .annotate(overdue=ExpressionWrapper(Q(due__lt=today, finished_at__isnull=True), output_field=BooleanField()))
        .order_by(due.asc(nulls_last=True), "pk")
    )
    items = list(items)
    for item in items:
        item.person = item.task.assignee if item.task_id else item.assignee
    return items
