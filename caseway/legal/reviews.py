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
    """The item's task on the actor's own organization's ``case``, through casework's ``task_add``."""
    return plan_services.task_add(
        actor=actor,
        membership=membership,
        case=case,
        title=_task_title(review, title),
        assignee=assignee_id,
        due_on=due_on,
        request=request,
    )


def _own_open_case(membership, organization_id, client_id):
    """The actor's organization's open case of the client, when the item is for that organization.
    Another organization's cases are never looked at: whether it has one is not the actor's to
    learn (that organization takes the item to its case itself, ``action_item_take``)."""
    if organization_id != membership.organization_id:
        return None
    if not membership.allows(Action.VIEW_PERSONAL_DATA):
        return None
    return _open_case(organization_id, client_id)


def action_item_add(
    *, actor, membership, review, organization, title, assignee=None, due_on=None, request=None
) -> ReviewActionItem:
    """An action for an organization taking part in the review. For the actor's own organization
    with an open case of the client, a task on that case; any other is followed on the review
    until its organization takes it to its own case (``action_item_take``) or marks it done."""
    _require(membership)
    title = _text(title, "title", TITLE_MAX_LENGTH, required=True)
    with transaction.atomic():
        review = reviews_access.get_review_for_update(membership, review.pk)
        organization_id = getattr(organization, "pk", organization)
        if not ReviewParticipant.objects.filter(review=review, organization_id=organization_id).exists():
            raise ValidationError({"organization": _("Choose an organization taking part in the review.")})
        assignee_id = _check_member(organization_id, assignee, "assignee")
        matter = review.matter
        case = _own_open_case(membership, organization_id, matter.client_id)
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


def _check_own_item(membership, item):
    if item.organization_id != membership.organization_id:
        raise ValidationError(_("This action is followed by the organization it is for."))


def action_item_take(*, actor, membership, item, request=None) -> ReviewActionItem:
    """The organization an action is for (a party of the matter, so it reaches the review) makes it
    a task on its own open case of the client. Other parties then see that it is followed as a task."""
    _require(membership)
    with transaction.atomic():
        item = reviews_access.get_action_item_for_update(membership, item.pk)
        _check_own_item(membership, item)
        if item.task_id is not None or item.done_at is not None:
            raise ValidationError(_("This action is already followed as a task or done."))
        case = _own_open_case(membership, item.organization_id, item.review.matter.client_id)
        if case is None:
            raise ValidationError(_("Your organization has no open case of this client: follow the action here."))
        item.task = _task_on(
            case,
            actor=actor,
            membership=membership,
            review=item.review,
            title=item.title,
            assignee_id=item.assignee_id,
            due_on=item.due_on,
            request=request,
        )
        item.save(update_fields=["task"])
        _audit(actor, "legal.review_action_taken", item, ["task"], membership, request)
    return item


def action_item_done(*, actor, membership, item, request=None) -> ReviewActionItem:
    """Mark an action done: on the review if it is followed there (any party of the matter may: the
    organization it is for may not be one); a task only by its own organization, in its casework."""
    _require(membership)
    with transaction.atomic():
        item = reviews_access.get_action_item_for_update(membership, item.pk)
        if item.task_id is not None:
            _check_own_item(membership, item)
            task = Task.objects.select_related("case").get(pk=item.task_id)
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
