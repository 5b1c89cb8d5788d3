"""Mutual legal-assistance and information requests of a matter: what is asked, of whom, by when,
and the answer.

- A party of the matter **sends** a request, for its organization, either to another organization
  of the network (which then sees that request only, in its incoming requests: the question, the
  matter's forum and type and the client's code) or to an authority outside the network, named,
  in a country.
- The addressed organization **acknowledges**, **answers** (a response) or **refuses** it; for an
  authority outside the network a party of the matter records its reply the same way.
- The sender may **withdraw** it while it waits for an answer.
- A request is **overdue** when its due day has passed and it is neither answered, refused nor
  withdrawn (``overdue`` in ``with_overdue``).

Question and response are encrypted under the client's key. Every write is audited, field names
only; the row is locked where two people may act on it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.legal import access, reviews_access
from caseway.legal.models import AssistanceRequest
from caseway.legal.services import _require
from caseway.orgs.models import Organization

QUESTION_MAX_LENGTH = 4000
RESPONSE_MAX_LENGTH = 8000
AUTHORITY_MAX_LENGTH = 200
# Waiting for the addressee: the requests that can be overdue, answered, refused or withdrawn.
WAITING = (AssistanceRequest.Status.SENT, AssistanceRequest.Status.ACKNOWLEDGED)


class Reply:
    ACKNOWLEDGE = "acknowledge"
    ANSWER = "answer"
    REFUSE = "refuse"
    CHOICES = (ACKNOWLEDGE, ANSWER, REFUSE)


def _audit(actor, action, target, fields, membership, request):
    audit.record(actor, action, target, fields=fields, organization=membership.organization_id, request=request)


def _text(value, field, max_length, *, required) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("Keep it under %(count)d characters.") % {"count": max_length}})
    return value


def with_overdue(queryset, today=None):
    """``queryset`` with ``overdue``: the due day has passed and the request still waits."""
    today = today or timezone.localdate()
    late = Q(due_on__lt=today, status__in=WAITING)
    return queryset.annotate(overdue=ExpressionWrapper(late, output_field=BooleanField()))


def _addressee(membership, organization, authority, country):
    """(organization, authority, country): exactly one of a network organization or an outside authority."""
    authority = (authority or "").strip()
    country = (country or "").strip().upper()
    if organization is not None and (authority or country):
        raise ValidationError(
            _("Ask either an organization of the network or an authority outside it, not both."),
        )
    if organization is not None:
        if organization.pk == membership.organization_id:
            raise ValidationError({"addressed_organization": _("Your organization cannot ask itself.")})
        if not Organization.objects.filter(pk=organization.pk, is_active=True).exists():
            raise ValidationError({"addressed_organization": _("Choose an active organization of the network.")})
        return organization, "", ""
    if not authority:
        raise ValidationError(_("Say whom you ask: an organization of the network, or an authority and its country."))
    if len(authority) > AUTHORITY_MAX_LENGTH:
        raise ValidationError(
            {"addressed_authority": _("Keep it under %(count)d characters.") % {"count": AUTHORITY_MAX_LENGTH}}
        )
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        raise ValidationError(
            {"addressed_country": _("Give the authority's country as two letters (ISO 3166), such as KE.")}
        )
    return None, authority, country


def request_send(
    *,
    actor,
    membership,
    matter,
    kind,
    question,
    sent_on,
    due_on=None,
    addressed_organization=None,
    addressed_authority="",
    addressed_country="",
    request=None,
) -> AssistanceRequest:
    """A party of ``matter`` asks, for its organization, someone of the network or an outside authority."""
    _require(membership)
    if kind not in AssistanceRequest.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of request from the list.")})
    question = _text(question, "question", QUESTION_MAX_LENGTH, required=True)
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("A request is recorded once it is sent: the day cannot be in the future.")})
    if due_on is not None and due_on < sent_on:
        raise ValidationError({"due_on": _("The answer cannot be due before the request was sent.")})
    with transaction.atomic():
        matter = access.get_matter_for_member(membership, matter.pk)
        organization, authority, country = _addressee(
            membership, addressed_organization, addressed_authority, addressed_country
        )
        sent = AssistanceRequest.objects.create(
            matter=matter,
            kind=kind,
            requesting_organization_id=membership.organization_id,
            addressed_organization=organization,
            addressed_authority=authority,
            addressed_country=country,
            data_key_id=matter.data_key_id,
            question=question,
            sent_on=sent_on,
            due_on=due_on,
            created_by=actor,
        )
        fields = ["kind", "addressed_organization" if organization else "addressed_authority", "question", "sent_on"]
        fields += ["due_on"] if due_on else []
        _audit(actor, "legal.assistance_request_sent", sent, fields, membership, request)
    return sent


def request_reply(
    *, actor, membership, assistance_request, reply, response="", answered_on=None, request=None
) -> AssistanceRequest:
    """The addressee acknowledges, answers or refuses (for an outside authority: a party records it).

    An answer needs a response; a refusal may give its reasons in it. Only a waiting request is
    replied to, and it is acknowledged once.
    """
    _require(membership)
    if reply not in Reply.CHOICES:
        raise ValidationError({"reply": _("Choose acknowledge, answer or refuse.")})
    response = _text(response, "response", RESPONSE_MAX_LENGTH, required=reply == Reply.ANSWER)
    if reply == Reply.ACKNOWLEDGE and response:
        raise ValidationError({"response": _("An acknowledgement carries no response: answer the request instead.")})
    today = timezone.localdate()
    answered_on = answered_on or today
    if answered_on > today:
        raise ValidationError({"answered_on": _("The day of the reply cannot be in the future.")})
    with transaction.atomic():
        found = reviews_access.get_request_to_answer_for_update(membership, assistance_request.pk)
        if found.status not in WAITING:
            raise ValidationError(
                _("This request no longer waits for an answer (%(status)s).") % {"status": found.get_status_display()}
            )
        if reply == Reply.ACKNOWLEDGE:
            if found.status == AssistanceRequest.Status.ACKNOWLEDGED:
                raise ValidationError(_("This request is already acknowledged."))
            found.status = AssistanceRequest.Status.ACKNOWLEDGED
            fields = ["status"]
        else:
            if answered_on < found.sent_on:
                raise ValidationError({"answered_on": _("A request is answered after it was sent.")})
            found.status = (
                AssistanceRequest.Status.ANSWERED if reply == Reply.ANSWER else AssistanceRequest.Status.REFUSED
            )
            found.answered_on = answered_on
            found.response = response or None
            fields = ["status", "answered_on"] + (["response"] if response else [])
        found.save(update_fields=["status", "answered_on", "response"] if reply != Reply.ACKNOWLEDGE else ["status"])
        _audit(actor, f"legal.assistance_request_{found.status}", found, fields, membership, request)
    return found


def request_withdraw(*, actor, membership, assistance_request, request=None) -> AssistanceRequest:
    """The sending organization withdraws a request still waiting for its answer."""
    _require(membership)
    with transaction.atomic():
        found = reviews_access.get_sent_request_for_update(membership, assistance_request.pk)
        if found.status not in WAITING:
            raise ValidationError(
                _("This request no longer waits for an answer (%(status)s).") % {"status": found.get_status_display()}
            )
        found.status = AssistanceRequest.Status.WITHDRAWN
        found.save(update_fields=["status"])
        _audit(actor, "legal.assistance_request_withdrawn", found, ["status"], membership, request)
    return found
