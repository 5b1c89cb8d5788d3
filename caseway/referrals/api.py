"""Referrals over the API: the same access helpers and services as the pages.

A referral is reached through ``referrals.access`` (not a party: 404, like a missing one). Its
package is returned only in the categories the caller may see *now* (``access.package_categories``:
consent and agreements are asked at every read); the outcome note only where
``access.outcome_note_visible`` allows. Every transition has its own endpoint and calls the
service the page calls. A move the state machine refuses answers 409; a gate refusal 400,
naming what is missing. Reads of a package are audited with category names, never values.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, parsers, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway import audit
from caseway.clients import access as client_access
from caseway.clients.models import DataCategory, Need
from caseway.directory.models import Service
from caseway.lib.access import OBJECT, ROLE
from caseway.lib.drf import api_validation_error
from caseway.orgs.api import MembershipAllows
from caseway.orgs.models import Organization
from caseway.orgs.permissions import Action
from caseway.referrals import access, pathway_access, pathways, services, transitions
from caseway.referrals.models import (
    DeclineReason,
    Outcome,
    Pathway,
    PathwayStep,
    Status,
    UnsuccessfulReason,
    Urgency,
)
from caseway.referrals.transitions import RECEIVER, SENDER, InvalidTransition

VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_(
        "The request is not valid, or the referral may not be sent: an object naming each problem "
        "(consent, agreement, override_reason, or a field) with its messages."
    ),
)
CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_("The referral's status does not allow this move now (for example, already accepted)."),
)
FORM_PARSERS = [parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser]
# The transitions a side may ask for, by endpoint name.
ENDPOINTS = {
    Status.SENT: "send",
    Status.WITHDRAWN: "withdraw",
    Status.ACCEPTED: "accept",
    Status.DECLINED: "decline",
    Status.IN_SERVICE: "start-service",
    Status.COMPLETED: "complete",
    Status.CLOSED_UNSUCCESSFUL: "close-unsuccessful",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The referral's status does not allow this now.")
    default_code = "invalid_transition"


# ---------------------------------------------------------------------------------------------
# Serializers


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ServiceRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)


class EventSerializer(serializers.Serializer):
    from_status = serializers.CharField(read_only=True, help_text=_("Empty for the creation of the draft."))
    to_status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    organization = serializers.IntegerField(read_only=True, allow_null=True)
    at = serializers.DateTimeField(read_only=True)
    code = serializers.CharField(read_only=True, help_text=_("A coded reason, never free text."))


class PackageSerializer(serializers.Serializer):
    taken_at = serializers.DateTimeField(read_only=True, allow_null=True)
    client = serializers.DictField(
        read_only=True, help_text=_("Code and statistical fields: sex, age group, area, displacement...")
    )
    sections = serializers.DictField(
        child=serializers.DictField(),
        read_only=True,
        help_text=_("One object per category you may see now, keyed by category."),
    )


class ReferralSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)
    side = serializers.ChoiceField(
        choices=[(SENDER, SENDER), (RECEIVER, RECEIVER)], read_only=True, help_text=_("Your organization's side.")
    )
    client_code = serializers.CharField(read_only=True)
    from_organization = OrganizationRefSerializer(read_only=True)
    to_organization = OrganizationRefSerializer(read_only=True, allow_null=True)
    to_service = ServiceRefSerializer(read_only=True, allow_null=True)
    case = serializers.UUIDField(
        read_only=True, allow_null=True, help_text=_("Your organization's case for the client, where it has one.")
    )
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices),
        read_only=True,
        help_text=_("The categories the sender chose to share."),
    )
    created_at = serializers.DateTimeField(read_only=True)
    sent_at = serializers.DateTimeField(read_only=True, allow_null=True)
    due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    answered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    consent_overridden = serializers.BooleanField(read_only=True)
    decline_reason = serializers.CharField(read_only=True)
    alternative_service = ServiceRefSerializer(read_only=True, allow_null=True)
    unsuccessful_reason = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    allowed_actions = serializers.ListField(
        child=serializers.ChoiceField(choices=[(name, name) for name in ENDPOINTS.values()]),
        read_only=True,
        help_text=_("The transition endpoints your organization may call now."),
    )


class ReferralDetailSerializer(ReferralSerializer):
    reason = serializers.CharField(read_only=True)
    decline_note = serializers.CharField(read_only=True, allow_null=True)
    outcome_note = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("The receiver's note; for the sender only while the client agrees to share needs with it."),
    )
    visible_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices), read_only=True
    )
    package = PackageSerializer(
        read_only=True, allow_null=True, help_text=_("Null where you may see nothing of it (any more).")
    )
    events = EventSerializer(many=True, read_only=True)


def _ref(obj):
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _allowed(referral, side) -> list[str]:
    return [ENDPOINTS[target] for target in transitions.next_statuses(referral.status, side) if target in ENDPOINTS]


def referral_payload(membership, referral) -> dict:
    side = access.side_of(membership, referral)
    return {
        "id": referral.pk,
        "status": referral.status,
        "urgency": referral.urgency,
        "side": side,
        "client_code": referral.client.code,
        "from_organization": _ref(referral.from_organization),
        "to_organization": _ref(referral.to_organization),
        "to_service": _ref(referral.to_service),
        "case": referral.from_case_id if side == SENDER else referral.to_case_id,
        "categories": list(referral.categories),
        "created_at": referral.created_at,
        "sent_at": referral.sent_at,
        "due_at": referral.due_at,
        "answered_at": referral.answered_at,
        "closed_at": referral.closed_at,
        "consent_overridden": referral.consent_overridden_by_id is not None,
        "decline_reason": referral.decline_reason,
        "alternative_service": _ref(referral.alternative_service),
        "unsuccessful_reason": referral.unsuccessful_reason,
        "outcome": referral.outcome,
        "allowed_actions": _allowed(referral, side),
    }


def referral_detail_payload(membership, referral) -> dict:
    package = access.visible_package(membership, referral)
    categories = sorted(access.package_categories(membership, referral)) if package is not None else []
    return {
        **referral_payload(membership, referral),
        "reason": referral.reason,
        "decline_note": referral.decline_note,
        "outcome_note": referral.outcome_note if access.outcome_note_visible(membership, referral) else None,
        "visible_categories": categories,
        "package": package,
        "events": [
            {
                "from_status": event.from_status,
                "to_status": event.to_status,
                "organization": event.organization_id,
                "at": event.at,
                "code": event.code,
            }
            for event in referral.events.all()
        ],
    }


def _audit_read(request, referral, payload):
    fields = ["reason"] + [f"package.{category}" for category in payload["visible_categories"]]
    audit.record(request.user, "referrals.package_read", referral, fields=fields, request=request)


class ReferralCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField(help_text=_("Your organization's case the client is referred from."))
    to_service = serializers.UUIDField(
        required=False, allow_null=True, help_text=_("A service of the directory that takes referrals.")
    )
    to_organization = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text=_("The receiving organization, when no service is named."),
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    reason = serializers.CharField(max_length=services.REASON_MAX_LENGTH)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices),
        max_length=len(DataCategory.values),
        required=False,
        default=list,
        help_text=_("The information to share; code, sex, age group and area always go."),
    )


class SendSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        max_length=services.OVERRIDE_REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Supervisors only: why the referral goes without the client's consent (missing, never refused)."),
    )


class DeclineSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DeclineReason.choices)
    note = serializers.CharField(
        max_length=services.NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required with reason other. No names or details of the client."),
    )
    alternative_service = serializers.UUIDField(required=False, allow_null=True)


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    outcome_note = serializers.CharField(
        max_length=services.NOTE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class CloseUnsuccessfulSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=UnsuccessfulReason.choices)


class EmptySerializer(serializers.Serializer):
    pass


# ---------------------------------------------------------------------------------------------
# Views


class ReferralApiMixin:
    caseway_action = Action.VIEW_PERSONAL_DATA
    permission_classes = [permissions.IsAuthenticated, MembershipAllows]


class ReferralList(ReferralApiMixin, generics.GenericAPIView):
    caseway_access = ROLE
    serializer_class = ReferralSerializer

    def get_queryset(self):
        return (
            access.visible_referrals(self.request.membership)
            .select_related("alternative_service")
            .order_by("-created_at", "pk")
        )

    @extend_schema(
        operation_id="referrals_list",
        summary=_("List referrals"),
        description=_(
            "Referrals your organization sent (drafts included) or received, newest first. No package here: "
            "open a referral to read it. Paginated with limit (at most 100) and offset."
        ),
        responses={200: ReferralSerializer(many=True)},
    )
    def get(self, request):
        membership = request.membership
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            ReferralSerializer([referral_payload(membership, referral) for referral in page], many=True).data
        )

    @extend_schema(
        operation_id="referrals_create",
        summary=_("Create a draft referral"),
        description=_(
            "A draft from one of your organization's cases to a service or an organization. Nothing leaves until "
            "it is sent (send): the client's consent and a data-sharing agreement are checked then."
        ),
        request=ReferralCreateSerializer,
        responses={201: ReferralDetailSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request):
        membership = request.membership
        serializer = ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = client_access.get_case_for_member(membership, data["case"])
        to_service = None
        if data.get("to_service"):
            to_service = Service.objects.select_related("organization").filter(pk=data["to_service"]).first()
            if to_service is None:
                raise exceptions.ValidationError({"to_service": [_("No service has this id.")]})
        to_organization = None
        if data.get("to_organization"):
            to_organization = Organization.objects.filter(pk=data["to_organization"], is_active=True).first()
            if to_organization is None:
                raise exceptions.ValidationError({"to_organization": [_("No active organization has this id.")]})
        try:
            referral = services.referral_create(
                actor=request.user,
                membership=membership,
                case=case,
                to_service=to_service,
                to_organization=to_organization,
                urgency=data["urgency"],
                reason=data["reason"],
                categories=data["categories"],
                request=request,
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        referral = access.get_referral_for_member(membership, referral.pk)
        payload = referral_detail_payload(membership, referral)
        return Response(ReferralDetailSerializer(payload).data, status=status.HTTP_201_CREATED)


class ReferralDetail(ReferralApiMixin, APIView):
    caseway_access = OBJECT

    @extend_schema(
        operation_id="referrals_retrieve",
        summary=_("Show a referral"),
        description=_(
            "One referral your organization sent or received, with its package in the categories you may see "
            "now and its timeline. The receiver's first read marks it seen. Others answer 404."
        ),
        responses={200: ReferralDetailSerializer},
    )
    def get(self, request, pk):
        membership = request.membership
        referral = access.get_referral_for_member(membership, pk)
        referral = services.referral_view(actor=request.user, membership=membership, referral=referral, request=request)
        payload = referral_detail_payload(membership, referral)
        _audit_read(request, referral, payload)
        return Response(ReferralDetailSerializer(payload).data)


class TransitionView(ReferralApiMixin, APIView):
    """One transition: validate the body, call the service, answer the referral as it now stands.

    Each endpoint names its ``service`` (the one its page calls, which asks the state machine
    whether the caller's side may make the move: 409 if not), its ``body`` and the service's
    ``arguments`` from the body; access is the same for all, the referral through
    ``access.get_referral_for_member`` (not a party: 404).
    """

    caseway_access = OBJECT
    parser_classes = FORM_PARSERS
    body = EmptySerializer
    service = None

    def arguments(self, data) -> dict:
        return {}

    def post(self, request, pk):
        membership = request.membership
        referral = access.get_referral_for_member(membership, pk)
        serializer = self.body(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            self.service(
                actor=request.user,
                membership=membership,
                referral=referral,
                request=request,
                **self.arguments(serializer.validated_data),
            )
        except InvalidTransition as error:
            raise Conflict(str(error)) from None
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        referral = access.get_referral_for_member(membership, pk)
        return Response(ReferralDetailSerializer(referral_detail_payload(membership, referral)).data)


def _transition_schema(operation_id, summary, description, body=None):
    """The OpenAPI description of a ``TransitionView``'s POST."""
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=description,
            request={"application/json": body} if body else None,
            responses={200: ReferralDetailSerializer, 400: VALIDATION_ERROR, 409: CONFLICT},
        )
    )


@_transition_schema(
    "referrals_send",
    _("Send a draft referral"),
    _(
        "Sends the draft when the client agrees to be referred to the receiver and to share each category with "
        "it, AND a data-sharing agreement in force covers referrals and each category. Otherwise 400 names what "
        "is missing. A supervisor may send despite missing consent with override_reason; never without an "
        "agreement, never against a refusal."
    ),
    SendSerializer,
)
class ReferralSend(TransitionView):
    service = staticmethod(services.referral_send)
    body = SendSerializer

    def arguments(self, data):
        return {"override_reason": data["override_reason"]}


@_transition_schema(
    "referrals_accept",
    _("Accept a referral"),
    _(
        "Opens (or links) your organization's case for the client, which then shows the categories the client "
        "agreed to share with you. Only one acceptance wins: a second answers 409."
    ),
)
class ReferralAccept(TransitionView):
    service = staticmethod(services.referral_accept)


@_transition_schema(
    "referrals_decline",
    _("Decline a referral"),
    _("With a coded reason (a note is required with other), maybe suggesting another service."),
    DeclineSerializer,
)
class ReferralDecline(TransitionView):
    service = staticmethod(services.referral_decline)
    body = DeclineSerializer

    def arguments(self, data):
        alternative = None
        if data.get("alternative_service"):
            alternative = Service.objects.filter(pk=data["alternative_service"]).first()
            if alternative is None:
                raise exceptions.ValidationError({"alternative_service": [_("No service has this id.")]})
        return {"reason": data["reason"], "note": data["note"], "alternative_service": alternative}


@_transition_schema("referrals_start_service", _("Mark a referral in service"), _("The client started the service."))
class ReferralStartService(TransitionView):
    service = staticmethod(services.referral_start_service)


@_transition_schema(
    "referrals_complete",
    _("Complete a referral"),
    _(
        "Records the outcome. The sender always sees the outcome code; the note only while the client agrees "
        "to share the needs category with the sender."
    ),
    CompleteSerializer,
)
class ReferralComplete(TransitionView):
    service = staticmethod(services.referral_complete)
    body = CompleteSerializer

    def arguments(self, data):
        return {"outcome": data["outcome"], "outcome_note": data["outcome_note"]}


@_transition_schema(
    "referrals_close_unsuccessful",
    _("Close a referral without success"),
    _("With a coded reason."),
    CloseUnsuccessfulSerializer,
)
class ReferralCloseUnsuccessful(TransitionView):
    service = staticmethod(services.referral_close_unsuccessful)
    body = CloseUnsuccessfulSerializer

    def arguments(self, data):
        return {"reason": data["reason"]}


@_transition_schema(
    "referrals_withdraw",
    _("Withdraw a referral"),
    _("The sender withdraws an open referral; the receiver no longer sees its package."),
)
class ReferralWithdraw(TransitionView):
    service = staticmethod(services.referral_withdraw)


# ---------------------------------------------------------------------------------------------
# Pathways: the definitions in use, starting one from a case, and its progress (pathways.py)


class PathwayStepSerializer(serializers.Serializer):
    order = serializers.IntegerField(read_only=True)
    category = serializers.CharField(read_only=True, help_text=_("A code of the Caseway taxonomy."))
    category_name = serializers.CharField(read_only=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)
    within_hours = serializers.IntegerField(read_only=True)
    due_from = serializers.ChoiceField(choices=PathwayStep.DueFrom.choices, read_only=True)
    time_frame = serializers.CharField(read_only=True)


class PathwaySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=Need.Domain.choices),
        read_only=True,
        help_text=_("The open needs it suits."),
    )
    urgent_health_need = serializers.BooleanField(read_only=True)
    steps = PathwayStepSerializer(many=True, read_only=True)


class StepChoiceSerializer(serializers.Serializer):
    order = serializers.IntegerField(min_value=1, max_value=pathways.MAX_ORDER, help_text=_("The step's number."))
    include = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Refer this step now. Left out: when it can be referred."),
    )
    service = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A service meeting the step's category. Left out: the one proposed."),
    )
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices),
        max_length=len(DataCategory.values),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The information to share. Left out: what the client agreed to share and the agreement covers."),
    )


class PathwayStartSerializer(serializers.Serializer):
    pathway = serializers.SlugField(max_length=50, help_text=_("The code of a pathway in use."))
    steps = StepChoiceSerializer(
        many=True,
        required=False,
        default=list,
        max_length=pathways.MAX_STEPS,
        help_text=_("Choices for some steps; the others get what is proposed."),
    )
    note = serializers.CharField(
        max_length=pathways.NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Added to every referral's reason. No names or details of the client."),
    )


class StepProgressSerializer(serializers.Serializer):
    order = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    category = serializers.CharField(read_only=True)
    category_name = serializers.CharField(read_only=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)
    time_frame = serializers.CharField(read_only=True)
    due_at = serializers.DateTimeField(read_only=True)
    state = serializers.ChoiceField(
        choices=[(value, value) for value in pathways.StepState.LABELS],
        read_only=True,
        help_text=_("to_refer, blocked (see blocked_reasons), awaiting an answer, accepted, completed."),
    )
    late = serializers.BooleanField(read_only=True, help_text=_("Past its due time and not accepted yet."))
    accepted_late = serializers.BooleanField(read_only=True)
    is_next = serializers.BooleanField(read_only=True)
    blocked_reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    earlier_referrals = serializers.IntegerField(read_only=True)
    referral = ReferralSerializer(read_only=True, allow_null=True, help_text=_("The step's latest referral."))


class PathwayRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class PathwayRunSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    pathway = PathwayRefSerializer(read_only=True)
    case = serializers.UUIDField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True)
    ended_at = serializers.DateTimeField(read_only=True, allow_null=True)
    complete = serializers.BooleanField(read_only=True, help_text=_("Every step completed."))
    late_steps = serializers.IntegerField(read_only=True)
    next_step = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The order of the step due first among those not accepted yet.")
    )
    steps = StepProgressSerializer(many=True, read_only=True)


def pathway_payload(pathway, names) -> dict:
    profile = pathway.need_profile or {}
    return {
        "code": pathway.code,
        "name": pathway.name,
        "description": pathway.description,
        "needs": list(profile.get("needs", [])),
        "urgent_health_need": bool(profile.get("urgent_health_need")),
        "steps": [
            {
                "order": step.order,
                "category": step.category,
                "category_name": pathways.category_label(step.category, names),
                "urgency": step.urgency,
                "within_hours": step.within_hours,
                "due_from": step.due_from,
                "time_frame": pathways.time_frame(step),
            }
            for step in pathway.steps.all()
        ],
    }


def run_payload(membership, progress) -> dict:
    run = progress.run
    return {
        "id": run.pk,
        "pathway": {"code": run.pathway.code, "name": run.pathway.name},
        "case": run.case_id,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "complete": progress.complete,
        "late_steps": progress.late_count,
        "next_step": progress.next_step.step.order if progress.next_step else None,
        "steps": [
            {
                "order": row.step.order,
                "position": row.position,
                "category": row.step.category,
                "category_name": row.label,
                "urgency": row.step.urgency,
                "time_frame": row.time_frame,
                "due_at": row.due_at,
                "state": row.state,
                "late": row.late,
                "accepted_late": row.accepted_late,
                "is_next": row.is_next,
                "blocked_reasons": [str(reason) for reason in row.blocked_reasons],
                "earlier_referrals": row.earlier,
                "referral": referral_payload(membership, row.referral) if row.referral else None,
            }
            for row in progress.steps
        ],
    }


class PathwayList(ReferralApiMixin, APIView):
    caseway_access = ROLE

    @extend_schema(
        operation_id="pathways_list",
        summary=_("List the pathways in use"),
        description=_(
            "The network's standard referral pathways that caseworkers may start, with their steps: need "
            "category, urgency and time frame. Coordinators define them in the web interface."
        ),
        responses={200: PathwaySerializer(many=True)},
    )
    def get(self, request):
        rows = Pathway.objects.filter(is_active=True).prefetch_related("steps").order_by("name", "pk")
        names = pathways.category_names()
        return Response(PathwaySerializer([pathway_payload(pathway, names) for pathway in rows], many=True).data)


class CasePathwayRuns(ReferralApiMixin, APIView):
    caseway_access = OBJECT
    parser_classes = FORM_PARSERS

    @extend_schema(
        operation_id="case_pathways_list",
        summary=_("A case's pathways and their progress"),
        description=_(
            "Every pathway started from one of your organization's cases, latest first: each step's latest "
            "referral, its due time, whether it is late, why it is blocked, and the next step. Others answer 404."
        ),
        responses={200: PathwayRunSerializer(many=True)},
    )
    def get(self, request, pk):
        membership = request.membership
        case = client_access.get_case_for_member(membership, pk)
        runs = pathways.case_progress(membership, case)
        return Response(PathwayRunSerializer([run_payload(membership, run) for run in runs], many=True).data)

    @extend_schema(
        operation_id="case_pathways_start",
        summary=_("Start a pathway from a case"),
        description=_(
            "Creates and sends the referral of every step chosen (by default every step that can be referred), "
            "each through the client's consent and a data-sharing agreement, with the package snapshot, all or "
            "nothing. A step that cannot be referred as chosen answers 400 under step_<order>, naming why; "
            "nothing is written then."
        ),
        request=PathwayStartSerializer,
        responses={201: PathwayRunSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        membership = request.membership
        case = client_access.get_case_for_member(membership, pk)
        serializer = PathwayStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pathway = Pathway.objects.filter(code=data["pathway"], is_active=True).first()
        if pathway is None:
            raise exceptions.ValidationError({"pathway": [_("No pathway in use has this code.")]})
        choices = _step_choices(data["steps"])
        try:
            run = pathways.pathway_start(
                actor=request.user,
                membership=membership,
                case=case,
                pathway=pathway,
                choices=choices,
                note=data["note"],
                request=request,
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        progress = pathways.progress(membership, pathway_access.get_run_for_member(membership, run.pk))
        return Response(PathwayRunSerializer(run_payload(membership, progress)).data, status=status.HTTP_201_CREATED)


def _step_choices(rows) -> dict:
    choices = {}
    for row in rows:
        if row["order"] in choices:
            raise exceptions.ValidationError({"steps": [_("Name each step once.")]})
        service = None
        if row["service"] is not None:
            service = Service.objects.select_related("organization").filter(pk=row["service"]).first()
            if service is None:
                raise exceptions.ValidationError({f"step_{row['order']}": [_("No service has this id.")]})
        choices[row["order"]] = pathways.StepChoice(
            service=service, categories=row["categories"], include=row["include"]
        )
    return choices


class PathwayRunDetail(ReferralApiMixin, APIView):
    caseway_access = OBJECT

    @extend_schema(
        operation_id="pathway_runs_retrieve",
        summary=_("A pathway's progress"),
        description=_(
            "One pathway started from one of your organization's cases: each step's latest referral, its due "
            "time, whether it is late, why it is blocked, and the next step. Others answer 404."
        ),
        responses={200: PathwayRunSerializer},
    )
    def get(self, request, pk):
        membership = request.membership
        progress = pathways.progress(membership, pathway_access.get_run_for_member(membership, pk))
        return Response(PathwayRunSerializer(run_payload(membership, progress)).data)
