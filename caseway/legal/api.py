"""Legal matters over the API (wired by legal/api_urls.py into /api/v1/): the same access helpers
and services as the pages, for the organizations that work on a matter as lead or co-counsel.

- A matter is reached through ``legal.access`` (not a party: 404, like a missing one); roles that
  do not work legal matters get 403, audited.
- A matter's **summary is not served**: the matter's page does not show it either (it is an
  encrypted free text about the client's case; what the page does not show, the API does not
  give), and neither are the notes of its events.
- **Evidence: metadata only** — number, kind, hash, size, content type, custodian, day collected
  and the chain of custody (what, when, which organization, to which one). Never the bytes, the
  original's name, the description, where a physical item is kept, or the places and reasons of
  its custody: the queries do not even load those columns.
- Recording an event calls ``services.event_record``, as the matter's page does: its deadlines and
  the stage it leads to follow; a refusal answers 400 naming the field.
- Analytics: the page's suppressed aggregates (``analytics.legal_analytics``), audited as an export.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response

from caseway import audit
from caseway.legal import access, analytics, evidence_access, services
from caseway.legal.analytics_forms import AnalyticsFilterForm
from caseway.legal.models import (
    CoCounsel,
    CustodyEvent,
    Deadline,
    EvidenceItem,
    Forum,
    MatterType,
    Outcome,
    Stage,
    TriggerEvent,
)
from caseway.legal.views_analytics import table_keys
from caseway.lib.access import OBJECT, ROLE
from caseway.lib.drf import api_validation_error
from caseway.orgs.api import MembershipAllows
from caseway.orgs.permissions import Action
from caseway.referrals.api import OrganizationRefSerializer

VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT, description=_("The request is not valid: an object naming each problem with its messages.")
)
NOTE_MAX_LENGTH = 2000  # as the matter page's form


# ---------------------------------------------------------------------------------------------
# Serializers


def _choice_field(name, values):
    """A choice field whose values are one named schema (``Legal…Enum``): "stage", "type", "status"
    and "outcome" already name other choice sets in the API."""
    schema = {"type": "string", "enum": list(values)}
    return extend_schema_field(schema, component_name=name)(type(name, (serializers.ChoiceField,), {}))


StageField = _choice_field("LegalStageEnum", Stage.values)
MatterTypeField = _choice_field("LegalMatterTypeEnum", MatterType.values)
OutcomeField = _choice_field("LegalOutcomeEnum", [*Outcome.values, ""])
DeadlineStatusField = _choice_field("LegalDeadlineStatusEnum", Deadline.Status.values)


class ForumSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=Forum.choices, read_only=True)
    country = serializers.CharField(read_only=True, help_text=_("Empty for an international forum."))


class MatterSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    client_code = serializers.CharField(read_only=True)
    type = MatterTypeField(choices=MatterType.choices, read_only=True)
    stage = StageField(choices=Stage.choices, read_only=True)
    outcome = OutcomeField(
        choices=Outcome.choices, allow_blank=True, read_only=True, help_text=_("Empty: no outcome yet.")
    )
    outcome_on = serializers.DateField(read_only=True, allow_null=True)
    forum = ForumSerializer(read_only=True)
    lead_organization = OrganizationRefSerializer(read_only=True)
    is_lead = serializers.BooleanField(read_only=True, help_text=_("Your organization leads the matter."))
    opened_at = serializers.DateTimeField(read_only=True)


class CoCounselSerializer(serializers.Serializer):
    organization = OrganizationRefSerializer(read_only=True)
    role = serializers.ChoiceField(choices=CoCounsel.Role.choices, read_only=True)
    added_at = serializers.DateTimeField(read_only=True)


class MatterDetailSerializer(MatterSerializer):
    violation_categories = serializers.ListField(child=serializers.CharField(), read_only=True)
    co_counsel = CoCounselSerializer(many=True, read_only=True)


class EventRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    trigger = serializers.ChoiceField(choices=TriggerEvent.choices, read_only=True)
    occurred_on = serializers.DateField(read_only=True)


class RuleRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True, help_text=_("What must be done."))


class DeadlineSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    matter = serializers.UUIDField(read_only=True)
    client_code = serializers.CharField(read_only=True)
    rule = RuleRefSerializer(read_only=True)
    event = EventRefSerializer(read_only=True)
    due_on = serializers.DateField(read_only=True)
    status = DeadlineStatusField(choices=Deadline.Status.choices, read_only=True)
    met_on = serializers.DateField(read_only=True, allow_null=True)


class EventDeadlineSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    rule = RuleRefSerializer(read_only=True)
    due_on = serializers.DateField(read_only=True)
    status = DeadlineStatusField(choices=Deadline.Status.choices, read_only=True)
    met_on = serializers.DateField(read_only=True, allow_null=True)


class MatterEventSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    trigger = serializers.ChoiceField(choices=TriggerEvent.choices, read_only=True)
    occurred_on = serializers.DateField(read_only=True)
    outcome = OutcomeField(
        choices=Outcome.choices, allow_blank=True, read_only=True, help_text=_("A decision's outcome; else empty.")
    )
    recorded_at = serializers.DateTimeField(read_only=True)
    deadlines = EventDeadlineSerializer(many=True, read_only=True)


class MatterEventCreateSerializer(serializers.Serializer):
    trigger = serializers.ChoiceField(choices=TriggerEvent.choices)
    occurred_on = serializers.DateField()
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Kept encrypted; not returned by the API."),
    )
    outcome = OutcomeField(
        choices=Outcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Only with a decision or a judgment: the forum's answer."),
    )


class CustodySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CustodyEvent.Kind.choices, read_only=True)
    at = serializers.DateTimeField(read_only=True)
    organization = OrganizationRefSerializer(read_only=True)
    to_organization = OrganizationRefSerializer(
        read_only=True, allow_null=True, help_text=_("For a transfer: the organization that received it.")
    )


class EvidenceSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    number = serializers.IntegerField(read_only=True, help_text=_("E-1, E-2... within the matter."))
    kind = serializers.ChoiceField(choices=EvidenceItem.Kind.choices, read_only=True)
    sha256 = serializers.CharField(read_only=True, help_text=_("The sealed original's SHA-256; empty without a file."))
    size = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("The original's size in bytes."))
    content_type = serializers.CharField(read_only=True)
    custodian = OrganizationRefSerializer(read_only=True, help_text=_("Who holds it now."))
    collected_on = serializers.DateField(read_only=True, allow_null=True)
    custody = CustodySerializer(many=True, read_only=True, help_text=_("The chain of custody, oldest first."))


class MatterFilterSerializer(serializers.Serializer):
    stage = StageField(choices=Stage.choices, required=False)
    type = MatterTypeField(choices=MatterType.choices, required=False)


class DeadlineFilterSerializer(serializers.Serializer):
    status = DeadlineStatusField(choices=Deadline.Status.choices, required=False)
    due_from = serializers.DateField(required=False, help_text=_("Due on or after this day (YYYY-MM-DD)."))
    due_to = serializers.DateField(required=False, help_text=_("Due on or before this day (YYYY-MM-DD)."))

    def validate(self, attrs):
        if attrs.get("due_from") and attrs.get("due_to") and attrs["due_from"] > attrs["due_to"]:
            raise serializers.ValidationError({"due_from": [_("The range must start on or before the day it ends.")]})
        return attrs


def _organization(organization) -> dict | None:
    return {"id": organization.pk, "name": organization.name} if organization is not None else None


def matter_payload(membership, matter) -> dict:
    forum = matter.jurisdiction
    return {
        "id": matter.pk,
        "client_code": matter.client.code,
        "type": matter.type,
        "stage": matter.stage,
        "outcome": matter.outcome,
        "outcome_on": matter.outcome_on,
        "forum": {"code": forum.code, "name": forum.name, "kind": forum.forum, "country": forum.country},
        "lead_organization": _organization(matter.lead_organization),
        "is_lead": access.is_lead(membership, matter),
        "opened_at": matter.opened_at,
    }


def matter_detail_payload(membership, matter) -> dict:
    co_counsel = matter.co_counsel.select_related("organization").order_by("added_at", "pk")
    return {
        **matter_payload(membership, matter),
        "violation_categories": list(matter.violation_categories),
        "co_counsel": [
            {"organization": _organization(party.organization), "role": party.role, "added_at": party.added_at}
            for party in co_counsel
        ],
    }


def _rule(rule) -> dict:
    return {"code": rule.code, "name": rule.name}


def deadline_payload(deadline) -> dict:
    event = deadline.event
    return {
        "id": deadline.pk,
        "matter": deadline.matter_id,
        "client_code": deadline.matter.client.code,
        "rule": _rule(deadline.rule),
        "event": {"id": event.pk, "trigger": event.trigger, "occurred_on": event.occurred_on},
        "due_on": deadline.due_on,
        "status": deadline.status,
        "met_on": deadline.met_on,
    }


def event_payload(event) -> dict:
    return {
        "id": event.pk,
        "trigger": event.trigger,
        "occurred_on": event.occurred_on,
        "outcome": event.outcome,
        "recorded_at": event.recorded_at,
        "deadlines": [
            {
                "id": deadline.pk,
                "rule": _rule(deadline.rule),
                "due_on": deadline.due_on,
                "status": deadline.status,
                "met_on": deadline.met_on,
            }
            for deadline in event.deadlines.all()
        ],
    }


def evidence_payload(item) -> dict:
    return {
        "id": item.pk,
        "number": item.number,
        "kind": item.kind,
        "sha256": item.original_sha256,
        "size": item.original_size,
        "content_type": item.content_type,
        "custodian": _organization(item.custodian),
        "collected_on": item.collected_on,
        "custody": [
            {
                "kind": link.kind,
                "at": link.at,
                "organization": _organization(link.organization),
                "to_organization": _organization(link.to_organization),
            }
            for link in item.custody.all()
        ],
    }


def _filters(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# ---------------------------------------------------------------------------------------------
# Views


class LegalApiMixin:
    caseway_action = Action.WORK_LEGAL_MATTERS
    permission_classes = [permissions.IsAuthenticated, MembershipAllows]

    def matter(self):
        return access.get_matter_for_member(self.request.membership, self.kwargs["pk"])


class MatterList(LegalApiMixin, generics.GenericAPIView):
    caseway_access = ROLE
    serializer_class = MatterSerializer

    @extend_schema(
        operation_id="legal_matters_list",
        summary=_("List legal matters"),
        description=_(
            "The matters your organization works on, as lead or as co-counsel, newest first; filter by stage "
            "and type. Paginated with limit (at most 100) and offset."
        ),
        parameters=[MatterFilterSerializer],
        responses={200: MatterSerializer(many=True), 400: VALIDATION_ERROR},
    )
    def get(self, request):
        chosen = _filters(MatterFilterSerializer, request)
        matters = access.visible_matters(request.membership).order_by("-opened_at", "pk")
        if chosen.get("stage"):
            matters = matters.filter(stage=chosen["stage"])
        if chosen.get("type"):
            matters = matters.filter(type=chosen["type"])
        page = self.paginate_queryset(matters)
        payload = [matter_payload(request.membership, matter) for matter in page]
        return self.get_paginated_response(MatterSerializer(payload, many=True).data)


class MatterDetail(LegalApiMixin, generics.GenericAPIView):
    caseway_access = OBJECT
    serializer_class = MatterDetailSerializer

    @extend_schema(
        operation_id="legal_matters_retrieve",
        summary=_("Show a legal matter"),
        description=_(
            "Forum, type, stage, outcome, lead and co-counsel of a matter your organization works on; others "
            "answer 404. The summary is not served: the matter's page does not show it either."
        ),
        responses={200: MatterDetailSerializer},
    )
    def get(self, request, pk):
        matter = self.matter()
        return Response(MatterDetailSerializer(matter_detail_payload(request.membership, matter)).data)


class DeadlineList(LegalApiMixin, generics.GenericAPIView):
    caseway_access = ROLE
    serializer_class = DeadlineSerializer

    @extend_schema(
        operation_id="legal_deadlines_list",
        summary=_("List legal deadlines"),
        description=_(
            "The deadlines of every matter your organization works on, soonest first; filter by status (open "
            "or met) and by the days they fall due. Paginated with limit (at most 100) and offset."
        ),
        parameters=[DeadlineFilterSerializer],
        responses={200: DeadlineSerializer(many=True), 400: VALIDATION_ERROR},
    )
    def get(self, request):
        chosen = _filters(DeadlineFilterSerializer, request)
        deadlines = access.visible_deadlines(request.membership).select_related("event").order_by("due_on", "pk")
        if chosen.get("status"):
            deadlines = deadlines.filter(status=chosen["status"])
        if chosen.get("due_from"):
            deadlines = deadlines.filter(due_on__gte=chosen["due_from"])
        if chosen.get("due_to"):
            deadlines = deadlines.filter(due_on__lte=chosen["due_to"])
        deadlines = deadlines.defer("event__note", "matter__summary")
        page = self.paginate_queryset(deadlines)
        return self.get_paginated_response(DeadlineSerializer([deadline_payload(d) for d in page], many=True).data)


class MatterEvents(LegalApiMixin, generics.GenericAPIView):
    caseway_access = OBJECT
    serializer_class = MatterEventSerializer

    def _events(self, matter):
        return (
            matter.events.defer("note")
            .prefetch_related(
                Prefetch("deadlines", queryset=Deadline.objects.select_related("rule").order_by("due_on"))
            )
            .order_by("-occurred_on", "-recorded_at", "pk")
        )

    @extend_schema(
        operation_id="legal_matter_events_list",
        summary=_("List a matter's events"),
        description=_(
            "What happened on the matter, latest first, with the deadlines each event started. Notes are not "
            "returned. Paginated with limit (at most 100) and offset."
        ),
        responses={200: MatterEventSerializer(many=True)},
    )
    def get(self, request, pk):
        page = self.paginate_queryset(self._events(self.matter()))
        return self.get_paginated_response(
            MatterEventSerializer([event_payload(event) for event in page], many=True).data
        )

    @extend_schema(
        operation_id="legal_matter_events_create",
        summary=_("Record an event on a matter"),
        description=_(
            "As on the matter's page: the forum's rules give its deadlines, computed in the forum's calendar, "
            "and the event moves the matter to the stage it leads to. Any party of the matter may record one."
        ),
        request=MatterEventCreateSerializer,
        responses={201: MatterEventSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        matter = self.matter()
        serializer = MatterEventCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            event = services.event_record(
                actor=request.user,
                membership=request.membership,
                matter=matter,
                request=request,
                **serializer.validated_data,
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        recorded = self._events(matter).get(pk=event.pk)
        return Response(MatterEventSerializer(event_payload(recorded)).data, status=status.HTTP_201_CREATED)


class MatterEvidence(LegalApiMixin, generics.GenericAPIView):
    caseway_access = OBJECT
    serializer_class = EvidenceSerializer

    @extend_schema(
        operation_id="legal_matter_evidence_list",
        summary=_("List a matter's evidence (metadata only)"),
        description=_(
            "Number, kind, the sealed original's hash, size and content type, the custodian, the day collected "
            "and the chain of custody. Never the content, the original's name, the description, where a "
            "physical item is kept or the places and reasons of its custody. Paginated with limit (at most 100) "
            "and offset."
        ),
        responses={200: EvidenceSerializer(many=True)},
    )
    def get(self, request, pk):
        matter = self.matter()
        custody = CustodyEvent.objects.only(
            "id", "item", "sequence", "kind", "at", "organization", "to_organization"
        ).select_related("organization", "to_organization")
        # The evidence register's own helper (the sealed original is never loaded), without the
        # encrypted texts either: they are not served.
        items = (
            evidence_access.items_of_matter(request.membership, matter)
            .defer("description", "original_name", "physical_location")
            .prefetch_related(Prefetch("custody", queryset=custody.order_by("sequence")))
        )
        page = self.paginate_queryset(items)
        return self.get_paginated_response(
            EvidenceSerializer([evidence_payload(item) for item in page], many=True).data
        )


# ---------------------------------------------------------------------------------------------
# Analytics


class AnalyticsLineSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("A stable code: stage, outcome..."))
    label = serializers.CharField()
    value = serializers.IntegerField(allow_null=True, help_text=_("null: hidden to protect people"))


class CountTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    heading = serializers.CharField()
    lines = AnalyticsLineSerializer(many=True)
    total = serializers.IntegerField(allow_null=True)


class AnalyticsHeaderSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("A stable code: sex, age group, yes/no/unknown, P-code, outcome..."))
    label = serializers.CharField()


class OutcomeTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    heading = serializers.CharField()
    rows = AnalyticsHeaderSerializer(many=True)
    columns = AnalyticsHeaderSerializer(many=True)
    cells = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField(allow_null=True)))
    row_totals = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    column_totals = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    total = serializers.IntegerField(allow_null=True)


class StageTimeSerializer(serializers.Serializer):
    stage = StageField(choices=Stage.choices)
    label = serializers.CharField()
    periods = serializers.IntegerField(allow_null=True, help_text=_("null: hidden to protect people"))
    median_days = serializers.FloatField(allow_null=True, help_text=_("null: hidden (too few periods) or none"))


class DelayedMatterSerializer(serializers.Serializer):
    matter = serializers.UUIDField()
    client_code = serializers.CharField()
    stage = StageField(choices=Stage.choices)
    since = serializers.DateField()
    days = serializers.IntegerField()


class AnalyticsFiltersSerializer(serializers.Serializer):
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    type = serializers.CharField(allow_blank=True)
    forum = serializers.CharField(allow_blank=True)


class AnalyticsSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=[(analytics.NETWORK, analytics.NETWORK), (analytics.ORGANIZATION, analytics.ORGANIZATION)],
        help_text=_("network: every matter, counts only (coordinators); organization: your organization's."),
    )
    filters = AnalyticsFiltersSerializer()
    threshold = serializers.IntegerField(help_text=_("Counts from 1 to this minus one are hidden."))
    delay_days = serializers.IntegerField(help_text=_("A matter longer than this in its current stage is delayed."))
    note = serializers.CharField()
    matters = serializers.IntegerField(allow_null=True)
    counted_matters = serializers.IntegerField(
        allow_null=True, help_text=_("Matters of clients who agreed to be counted in anonymous statistics.")
    )
    tables = CountTableSerializer(many=True)
    time_in_stage = StageTimeSerializer(many=True)
    outcome_tables = OutcomeTableSerializer(many=True)
    delayed_matters = DelayedMatterSerializer(
        many=True, help_text=_("Your organization's delayed matters, longest first; always empty for the network.")
    )


def analytics_payload(result: analytics.LegalAnalytics) -> dict:
    filters = result.filters
    return {
        "scope": result.scope,
        "filters": {
            "date_from": filters.opened_from,
            "date_to": filters.opened_to,
            "type": filters.type,
            "forum": filters.jurisdiction.code if filters.jurisdiction else "",
        },
        "threshold": result.threshold,
        "delay_days": result.delay_days,
        "note": analytics.legend(result.threshold),
        "matters": result.matters,
        "counted_matters": result.counted_matters,
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "heading": table.heading,
                "lines": [{"key": line.key, "label": line.label, "value": line.value} for line in table.lines],
                "total": table.total,
            }
            for table in result.count_tables
        ],
        "time_in_stage": [
            {"stage": entry.stage, "label": entry.label, "periods": entry.periods, "median_days": entry.median_days}
            for entry in result.time_in_stage
        ],
        "outcome_tables": [
            {
                "key": cross.key,
                "title": cross.title,
                "heading": cross.heading,
                "rows": [{"key": key, "label": label} for key, label in cross.rows],
                "columns": [{"key": key, "label": label} for key, label in cross.columns],
                "cells": [list(row) for row in cross.cells],
                "row_totals": list(cross.row_totals),
                "column_totals": list(cross.column_totals),
                "total": cross.total,
            }
            for cross in result.outcome_tables
        ],
        "delayed_matters": [
            {"matter": row.pk, "client_code": row.client_code, "stage": row.stage, "since": row.since, "days": row.days}
            for row in result.delayed_matters
        ],
    }


class LegalAnalytics(generics.GenericAPIView):
    caseway_access = ROLE
    caseway_action = Action.VIEW_LEGAL_ANALYTICS
    permission_classes = [permissions.IsAuthenticated, MembershipAllows]
    serializer_class = AnalyticsSerializer
    pagination_class = None

    @extend_schema(
        operation_id="legal_analytics",
        summary=_("Legal analytics"),
        description=_(
            "The legal analytics page's tables: matters by stage and outcome, time in each stage, delayed "
            "matters, and outcomes by sex, age group, disability and region for clients who agreed to be "
            "counted. Small counts, and whatever would reveal them, are null. Coordinators get the network in "
            "counts; supervisors and legal officers their organization's matters, with its delayed ones."
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description=_("Matters opened on or after this day.")),
            OpenApiParameter("to", OpenApiTypes.DATE, description=_("Matters opened on or before this day.")),
            OpenApiParameter("type", OpenApiTypes.STR, enum=MatterType.values),
            OpenApiParameter("forum", OpenApiTypes.STR, description=_("A forum's code, such as echr.")),
        ],
        responses={200: AnalyticsSerializer, 400: VALIDATION_ERROR},
    )
    def get(self, request):
        form = AnalyticsFilterForm(request.query_params or None, forums=analytics.forum_options())
        if form.is_bound and not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(message) for message in messages] for name, messages in form.errors.items()}
            )
        result = analytics.legal_analytics(membership=request.membership, filters=form.filters())
        audit.record(
            request.user, "legal.analytics_exported", None, fields=["api", *table_keys(result)], request=request
        )
        return Response(AnalyticsSerializer(analytics_payload(result)).data)
