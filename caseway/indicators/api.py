"""The common indicators over the API (wired by indicators/api_urls.py into /api/v1/).

- ``GET indicators/``: the library, every version of every indicator, with the one in force today.
- ``GET indicators/values/``: protected tables (``queries.indicator_values``, through
  ``lib.disclosure``: small counts and whatever would reveal them are null) of one period, scope
  and up to two disaggregations.
- ``GET indicators/progress/``: the targets of a scope and period with the protected value reached.

Who: coordinators (any scope, the network by default), organization staff (their organization;
another scope answers 404, like something that does not exist) and donors (the organizations they
fund for the whole period, ``funded``; no targets); other roles 403, audited. The
filters are the downloads' (``forms_exports``): a bad one answers 400 naming the field. Every call
for figures is audited as an export, with names (codes, period, dimensions), never numbers.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, permissions, serializers
from rest_framework.response import Response

from caseway import audit
from caseway.indicators import access, exports, queries
from caseway.indicators.dimensions import DIMENSIONS
from caseway.indicators.forms_exports import ExportFilterForm
from caseway.indicators.models import Direction, Indicator, Unit
from caseway.indicators.views_exports import audit_fields
from caseway.lib import disclosure
from caseway.lib.access import ROLE

VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT, description=_("A filter is not valid: an object naming each one with its messages.")
)


class MayViewIndicators(permissions.BasePermission):
    """Coordinators, organization staff or donors (any of three actions of the role table); refusals
    audited."""

    def has_permission(self, request, view):
        membership = getattr(request, "membership", None)
        if exports.may_export(membership):
            return True
        if request.user.is_authenticated:
            audit.record(
                request.user,
                "access.permission_denied",
                None,
                fields=["indicators.view_network", "indicators.view_organization", "indicators.view_funded"],
                request=request,
            )
        return False


# ---------------------------------------------------------------------------------------------
# Serializers


def _choice_field(name, values):
    """A choice field whose values are one named schema: "unit", "direction" and "source" already
    name other choice sets in the API."""
    schema = {"type": "string", "enum": list(values)}
    return extend_schema_field(schema, component_name=name)(type(name, (serializers.ChoiceField,), {}))


UnitField = _choice_field("IndicatorUnitEnum", Unit.values)
DirectionField = _choice_field("IndicatorDirectionEnum", Direction.values)
SourceField = _choice_field("IndicatorSourceEnum", [queries.SNAPSHOT, queries.LIVE])


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField(help_text=_("In the language asked for (Accept-Language), else English."))
    definition = serializers.CharField()
    unit = UnitField(choices=Unit.choices)
    direction = DirectionField(choices=Direction.choices)
    dimensions = serializers.ListField(
        child=serializers.CharField(), help_text=_("The disaggregations it may be broken down by.")
    )
    hxl = serializers.CharField(help_text=_("HXL hashtag and attributes, such as #reached+ind."))
    source = serializers.CharField(allow_blank=True)
    valid_from = serializers.DateField()
    in_force = serializers.BooleanField(help_text=_("The version in force today."))


class IndicatorCategorySerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("A stable code: female, 25-59, a P-code…"))
    label = serializers.CharField()


class IndicatorCellSerializer(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True,
        help_text=_("The count, the percentage (0–100) or the median in days; null when hidden or nothing to compute."),
    )
    numerator = serializers.IntegerField(allow_null=True, help_text=_("A rate's numerator; null when hidden."))
    denominator = serializers.IntegerField(
        allow_null=True, help_text=_("A rate's denominator, or how many values a median rests on; null when hidden.")
    )
    hidden = serializers.BooleanField(help_text=_("Hidden to protect people."))


class IndicatorRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    unit = UnitField(choices=Unit.choices)
    direction = DirectionField(choices=Direction.choices)
    hxl = serializers.CharField()


class IndicatorTableSerializer(serializers.Serializer):
    indicator = IndicatorRefSerializer()
    source = SourceField(choices=[queries.SNAPSHOT, queries.LIVE])
    computed_at = serializers.DateTimeField()
    rows = IndicatorCategorySerializer(many=True, help_text=_("The first disaggregation's categories."))
    columns = IndicatorCategorySerializer(many=True, help_text=_("The second disaggregation's categories."))
    cells = serializers.ListField(
        child=IndicatorCellSerializer(many=True), help_text=_("Rows × columns, with two disaggregations.")
    )
    row_totals = IndicatorCellSerializer(many=True)
    column_totals = IndicatorCellSerializer(many=True)
    total = IndicatorCellSerializer()


class IndicatorPeriodSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("2026-03, 2026-Q1 or 2026."))
    start = serializers.DateField()
    end = serializers.DateField()


class IndicatorValuesSerializer(serializers.Serializer):
    period = IndicatorPeriodSerializer()
    scope = serializers.CharField(
        allow_blank=True,
        help_text=_("network, or org: and organization numbers; empty for a donor that funds nobody for the period."),
    )
    dimensions = serializers.ListField(child=serializers.CharField())
    threshold = serializers.IntegerField(help_text=_("Counts from 1 to this minus one are hidden."))
    note = serializers.CharField()
    tables = IndicatorTableSerializer(many=True)


class IndicatorTargetSerializer(serializers.Serializer):
    indicator = IndicatorRefSerializer()
    baseline = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    target = serializers.DecimalField(max_digits=12, decimal_places=4)
    value = serializers.FloatField(allow_null=True, help_text=_("The protected value reached; null when hidden."))
    achieved = serializers.FloatField(
        allow_null=True, help_text=_("How far from the baseline (or zero) to the target: 1 means reached.")
    )
    reached = serializers.BooleanField(allow_null=True)


class IndicatorProgressSerializer(serializers.Serializer):
    period = IndicatorPeriodSerializer()
    scope = serializers.CharField()
    threshold = serializers.IntegerField()
    note = serializers.CharField()
    targets = IndicatorTargetSerializer(many=True)


# ---------------------------------------------------------------------------------------------
# Payloads


def _indicator(indicator: Indicator) -> dict:
    return {
        "code": indicator.code,
        "version": indicator.version,
        "name": indicator.localized_name(),
        "unit": indicator.unit,
        "direction": indicator.direction,
        "hxl": exports.hashtag(indicator.hxl),
    }


def _cell(cell: queries.Cell) -> dict:
    return {
        "value": cell.value,
        "numerator": cell.numerator,
        "denominator": cell.denominator,
        "hidden": cell.suppressed,
    }


def _categories(listed) -> list[dict]:
    return [{"key": key, "label": label} for key, label in listed]


def table_payload(table: queries.IndicatorTable) -> dict:
    return {
        "indicator": _indicator(table.indicator),
        "source": table.source,
        "computed_at": table.computed_at,
        "rows": _categories(table.rows),
        "columns": _categories(table.columns),
        "cells": [[_cell(cell) for cell in row] for row in table.cells],
        "row_totals": [_cell(cell) for cell in table.row_totals],
        "column_totals": [_cell(cell) for cell in table.column_totals],
        "total": _cell(table.total),
    }


def _period(period) -> dict:
    return {"key": period.key, "start": period.start, "end": period.end}


def _filters(request) -> dict:
    form = ExportFilterForm(request.query_params)
    if not form.is_valid():
        raise exceptions.ValidationError(
            {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        )
    return form.filters()


PERIOD = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    description=_("2026-03 (a month), 2026-Q1 (a quarter) or 2026. Default: the last quarter."),
)
SCOPE = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    description=_("network (coordinators), or org: and organization numbers (org:12). Default: what you see first."),
)
DIMENSIONS_PARAMETER = OpenApiParameter(
    "dimensions",
    OpenApiTypes.STR,
    description=_("Up to two disaggregations, separated by a comma: %(keys)s.") % {"keys": ", ".join(DIMENSIONS)},
)
INDICATOR = OpenApiParameter(
    "indicator", OpenApiTypes.STR, description=_("Indicator codes, separated by commas; default: every indicator.")
)


class IndicatorApiMixin:
    caseway_access = ROLE
    caseway_action = None  # either of two actions: MayViewIndicators decides
    permission_classes = [permissions.IsAuthenticated, MayViewIndicators]
    pagination_class = None


class IndicatorLibrary(IndicatorApiMixin, generics.GenericAPIView):
    serializer_class = IndicatorSerializer

    @extend_schema(
        operation_id="indicators_list",
        summary=_("The indicator library"),
        description=_(
            "Every version of every common indicator: what it counts, its unit, direction, disaggregations, "
            "HXL hashtag and source, and which version is in force today. A changed definition is a new "
            "version; figures computed with an old one keep it."
        ),
        responses={200: IndicatorSerializer(many=True)},
    )
    def get(self, request):
        in_force = {indicator.pk for indicator in queries.current_indicators()}
        payload = [
            {
                **_indicator(indicator),
                "definition": indicator.localized_definition(),
                "dimensions": list(indicator.dimensions),
                "source": indicator.source,
                "valid_from": indicator.valid_from,
                "in_force": indicator.pk in in_force,
            }
            for indicator in Indicator.objects.order_by("code", "version")
        ]
        return Response(IndicatorSerializer(payload, many=True).data)


class IndicatorValues(IndicatorApiMixin, generics.GenericAPIView):
    serializer_class = IndicatorValuesSerializer

    @extend_schema(
        operation_id="indicators_values",
        summary=_("Indicator values"),
        description=_(
            "The indicators of a period and scope, totals and up to two disaggregations, for clients who "
            "agreed to be counted. Small counts, and whatever would reveal them, are null and marked hidden. "
            "Coordinators see the network or one organization at a time; organization staff their organization "
            "(another scope answers 404)."
        ),
        parameters=[PERIOD, SCOPE, DIMENSIONS_PARAMETER, INDICATOR],
        responses={200: IndicatorValuesSerializer, 400: VALIDATION_ERROR},
    )
    def get(self, request):
        filters = _filters(request)
        try:
            export = exports.build(membership=request.membership, **filters)
        except queries.ScopeRefused as error:
            raise exceptions.ValidationError({"scope": [str(error)]}) from None
        except ValueError as error:
            raise exceptions.ValidationError({"dimensions": [str(error)]}) from None
        audit.record(request.user, "indicators.exported", None, fields=audit_fields("api", export), request=request)
        payload = {
            "period": _period(export.period),
            "scope": export.scope.key if export.scope is not None else "",
            "dimensions": [dimension.key for dimension in export.dimensions],
            "threshold": export.threshold,
            "note": disclosure.legend(export.threshold),
            "tables": [table_payload(table) for table in export.tables],
        }
        return Response(IndicatorValuesSerializer(payload).data)


class IndicatorProgress(IndicatorApiMixin, generics.GenericAPIView):
    serializer_class = IndicatorProgressSerializer

    @extend_schema(
        operation_id="indicators_progress",
        summary=_("Progress against targets"),
        description=_(
            "The targets set for a period and scope (the network, or one organization), each with the "
            "protected value reached and how far along it is; null when the value is hidden."
        ),
        parameters=[PERIOD, SCOPE, INDICATOR],
        responses={200: IndicatorProgressSerializer, 400: VALIDATION_ERROR},
    )
    def get(self, request):
        filters = _filters(request)
        period = filters["period"]
        scope = access.check_scope(request.membership, filters["scope"])
        found = queries.progress(
            membership=request.membership, period=period, scope=scope, indicators=filters["indicators"]
        )
        audit.record(
            request.user,
            "indicators.exported",
            None,
            fields=[
                "api-progress",
                period.key,
                "network" if scope.is_network else "organizations",
                *(item.table.code for item in found),
            ],
            request=request,
        )
        threshold = disclosure.threshold()
        payload = {
            "period": _period(period),
            "scope": scope.key,
            "threshold": threshold,
            "note": disclosure.legend(threshold),
            "targets": [
                {
                    "indicator": _indicator(item.indicator),
                    "baseline": item.target.baseline,
                    "target": item.target.target,
                    "value": item.value,
                    "achieved": item.achieved,
                    "reached": item.reached,
                }
                for item in found
            ],
        }
        return Response(IndicatorProgressSerializer(payload).data)
