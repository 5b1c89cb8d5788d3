"""Network referral statistics over the API: the page's tables, as suppressed (null: hidden).

Same role (``VIEW_NETWORK_STATISTICS``: coordinators; others 403, audited), same filters (the
page's form), same selector. Every call is audited with the tables' names, never their numbers:
a machine reading statistics is an export.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway import audit
from caseway.lib import disclosure
from caseway.lib.access import ROLE
from caseway.orgs.api import MembershipAllows
from caseway.orgs.permissions import Action
from caseway.referrals import statistics
from caseway.referrals.models import Urgency
from caseway.referrals.statistics_forms import StatisticsFilterForm


class LineSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("A stable code: status, urgency, category code, YYYY-MM, P-code…"))
    labels = serializers.ListField(child=serializers.CharField())
    value = serializers.IntegerField(allow_null=True, help_text=_("null: hidden to protect people"))


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    headings = serializers.ListField(child=serializers.CharField())
    unit = serializers.ChoiceField(choices=[statistics.REFERRALS, statistics.PEOPLE])
    lines = LineSerializer(many=True)
    total = serializers.IntegerField(allow_null=True)


class HeaderSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class CrossTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    rows = HeaderSerializer(many=True)
    columns = HeaderSerializer(many=True)
    cells = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField(allow_null=True)))
    row_totals = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    column_totals = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    total = serializers.IntegerField(allow_null=True)


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(
        allow_null=True, help_text=_("null: hidden (too few, or it would reveal a hidden count)")
    )
    unit = serializers.ChoiceField(choices=["share", "hours", "count"], help_text=_("share: from 0 to 1"))


class FiltersSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    urgency = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    organization = serializers.IntegerField(allow_null=True)


class StatisticsSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    threshold = serializers.IntegerField(help_text=_("Counts from 1 to this minus one are hidden."))
    note = serializers.CharField()
    referrals = serializers.IntegerField(allow_null=True)
    people = serializers.IntegerField(allow_null=True)
    figures = FigureSerializer(many=True)
    tables = TableSerializer(many=True)
    sex_and_age = CrossTableSerializer()


def _table(table: statistics.CountTable) -> dict:
    return {
        "key": table.key,
        "title": table.title,
        "headings": list(table.headings),
        "unit": table.unit,
        "lines": [{"key": line.key, "labels": list(line.labels), "value": line.value} for line in table.lines],
        "total": table.total,
    }


def statistics_payload(result: statistics.NetworkStatistics) -> dict:
    filters, cross = result.filters, result.sex_and_age
    return {
        "filters": {
            "date_from": filters.period.start,
            "date_to": filters.period.end,
            "urgency": filters.urgency,
            "category": filters.category.code if filters.category else "",
            "organization": filters.organization.pk if filters.organization else None,
        },
        "threshold": result.threshold,
        "note": disclosure.legend(result.threshold),
        "referrals": result.referrals,
        "people": result.people,
        "figures": [
            {"key": figure.key, "label": figure.label, "value": figure.value, "unit": figure.unit}
            for figure in result.figures
        ],
        "tables": [_table(table) for table in result.count_tables],
        "sex_and_age": {
            "key": cross.key,
            "title": cross.title,
            "rows": [{"key": key, "label": label} for key, label in cross.rows],
            "columns": [{"key": key, "label": label} for key, label in cross.columns],
            "cells": [list(row) for row in cross.cells],
            "row_totals": list(cross.row_totals),
            "column_totals": list(cross.column_totals),
            "total": cross.total,
        },
    }


class NetworkStatistics(APIView):
    caseway_access = ROLE
    caseway_action = Action.VIEW_NETWORK_STATISTICS
    permission_classes = [permissions.IsAuthenticated, MembershipAllows]

    @extend_schema(
        operation_id="referral_statistics",
        summary=_("Network referral statistics"),
        description=_(
            "Counts of the referrals sent in a period (default: the last 90 days) by status, urgency, category "
            "of the receiving service, month, decline reason and pair of organizations; key figures; and the "
            "people referred who agreed to be counted in anonymous statistics, by sex and age group, disability "
            "and region. Small counts, and whatever would reveal them, are null (hidden to protect people). "
            "For coordinators."
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description=_("First day (YYYY-MM-DD), included.")),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, description=_("Last day (YYYY-MM-DD), included; not after today.")
            ),
            OpenApiParameter("urgency", OpenApiTypes.STR, enum=Urgency.values),
            OpenApiParameter("category", OpenApiTypes.STR, description=_("A top-level category code, such as legal.")),
            OpenApiParameter("organization", OpenApiTypes.INT, description=_("The receiving organization's id.")),
        ],
        responses={
            200: StatisticsSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description=_("A filter is not valid: each one with its messages.")
            ),
        },
    )
    def get(self, request):
        form = StatisticsFilterForm(request.query_params or None, options=statistics.filter_options())
        if form.is_bound and not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            )
        result = statistics.network_statistics(membership=request.membership, filters=form.filters())
        audit.record(
            request.user,
            "referrals.statistics_exported",
            None,
            fields=["api", *(table.key for table in result.count_tables), result.sex_and_age.key],
            request=request,
        )
        return Response(StatisticsSerializer(statistics_payload(result)).data)
