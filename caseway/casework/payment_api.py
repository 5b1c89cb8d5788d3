"""The casework support payment API (wired by casework/api_urls.py into /api/v1/).

The same access helpers and services as the pages (another organization's case: 404). Totals
come per currency, never across currencies.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway.casework import access, payment_services
from caseway.casework.appointment_api import VALIDATION_ERROR, CaseworkApiMixin
from caseway.casework.models import SupportPayment
from caseway.lib.drf import api_validation_error

LIST_LIMIT = 500


class PaymentSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    case = serializers.UUIDField(read_only=True)
    appointment = serializers.UUIDField(read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=SupportPayment.Kind.choices, read_only=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    currency = serializers.CharField(read_only=True)
    method = serializers.ChoiceField(choices=SupportPayment.Method.choices, read_only=True)
    paid_on = serializers.DateField(read_only=True)
    approved_by = serializers.IntegerField(read_only=True, allow_null=True)
    approved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    budget_line = serializers.CharField(read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)


class CurrencyTotalSerializer(serializers.Serializer):
    currency = serializers.CharField(read_only=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    count = serializers.IntegerField(read_only=True)


class PaymentListSerializer(serializers.Serializer):
    totals = CurrencyTotalSerializer(many=True, read_only=True, help_text=_("One row per currency."))
    payments = PaymentSerializer(many=True, read_only=True)


class PaymentCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SupportPayment.Kind.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField(max_length=3, help_text=_("ISO 4217, for example USD."))
    method = serializers.ChoiceField(choices=SupportPayment.Method.choices)
    paid_on = serializers.DateField()
    approved_by = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text=_("User id of a supervisor of your organization, not you."),
    )
    budget_line = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


def payment_payload(payment) -> dict:
    return {
        "id": payment.pk,
        "case": payment.case_id,
        "appointment": payment.appointment_id,
        "kind": payment.kind,
        "amount": payment.amount,
        "currency": payment.currency,
        "method": payment.method,
        "paid_on": payment.paid_on,
        "approved_by": payment.approved_by_id,
        "approved_at": payment.approved_at,
        "budget_line": payment.budget_line,
        "recorded_at": payment.recorded_at,
    }


class CasePayments(CaseworkApiMixin, APIView):
    @extend_schema(
        operation_id="case_payments_list",
        summary=_("List a case's support payments"),
        description=_("Latest first (at most 500), with totals per currency over all of them."),
        responses={200: PaymentListSerializer},
    )
    def get(self, request, pk):
        case = access.get_case(request.membership, pk)
        payments = case.payments.all()
        rows = payments.order_by("-paid_on", "-recorded_at", "pk")[:LIST_LIMIT]
        payload = {
            "totals": payment_services.totals_by_currency(payments),
            "payments": [payment_payload(row) for row in rows],
        }
        return Response(PaymentListSerializer(payload).data)

    @extend_schema(
        operation_id="case_payments_create",
        summary=_("Record a support payment"),
        description=_("A transport stipend, childcare voucher, cash grant or microgrant given to the client."),
        request=PaymentCreateSerializer,
        responses={201: PaymentSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        membership = request.membership
        case = access.get_case(membership, pk)
        serializer = PaymentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        approver = None
        if data.get("approved_by"):
            approver = get_user_model().objects.filter(pk=data["approved_by"]).first()
            if approver is None:
                raise exceptions.ValidationError({"approved_by": [_("No staff member has this id.")]})
        data["approved_by"] = approver
        try:
            payment = payment_services.payment_record(
                actor=request.user, membership=membership, case=case, request=request, **data
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        return Response(PaymentSerializer(payment_payload(payment)).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("cases/<uuid:pk>/payments/", CasePayments.as_view(), name="case_payments"),
]
