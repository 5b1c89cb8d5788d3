"""The casework supervision API (wired by casework/api_urls.py into /api/v1/): plan approval,
closure (request, approve, return, reopen), the caseload and reassignment.

The same access helpers and services as the pages: a case another organization holds answers
404 like a missing one; a role without the action 403; a refused value 400 naming the field.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway.accounts.models import User
from caseway.casework import access, closure_services, supervision_queries, supervision_services
from caseway.casework.models import ClosureRequest
from caseway.casework.plan_api import VALIDATION_ERROR, CaseApiMixin, PlanSerializer, plan_payload
from caseway.clients.models import CaseStatus
from caseway.lib.access import ROLE
from caseway.lib.drf import api_validation_error
from caseway.orgs.api import MembershipAllows
from caseway.orgs.permissions import Action

USER_ID = {"min_value": 1, "max_value": 2**31 - 1}
FORM_PARSERS = [parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser]


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=supervision_services.COMMENT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=supervision_services.COMMENT_MAX_LENGTH)


class ClosureSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    reason = serializers.ChoiceField(choices=ClosureRequest.Reason.choices)
    confirmed = serializers.ListField(
        child=serializers.ChoiceField(choices=[item.code for item in closure_services.CLOSURE_CHECKLIST]),
        required=False,
        default=list,
        max_length=len(closure_services.CLOSURE_CHECKLIST),
        write_only=True,
    )
    follow_up_agreed = serializers.BooleanField(required=False, default=True, write_only=True)
    transfer_referral = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
    )
    status = serializers.ChoiceField(choices=ClosureRequest.Status.choices, read_only=True)
    checklist = serializers.DictField(child=serializers.BooleanField(), read_only=True)
    requested_at = serializers.DateTimeField(read_only=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)


def closure_payload(closure) -> dict:
    return {
        "id": closure.pk,
        "reason": closure.reason,
        "transfer_referral": closure.transfer_referral_id,
        "status": closure.status,
        "checklist": closure.checklist,
        "requested_at": closure.requested_at,
        "decided_at": closure.decided_at,
    }


class CaseStatusSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    status = serializers.ChoiceField(choices=CaseStatus.choices, read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class SupervisorCaseApiMixin(CaseApiMixin):
    caseway_action = Action.SUPERVISE_CASES
    parser_classes = FORM_PARSERS


# ---------------------------------------------------------------------------------------------
# Plan approval


class PlanApprove(SupervisorCaseApiMixin, APIView):
    @extend_schema(
        operation_id="casework_plan_approve",
        summary=_("Approve a plan"),
        request=CommentSerializer,
        responses={200: PlanSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.case()
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = self.call(supervision_services.plan_approve, case, comment=serializer.validated_data["comment"])
        return Response(PlanSerializer(plan_payload(plan)).data)


class PlanReturn(SupervisorCaseApiMixin, APIView):
    @extend_schema(
        operation_id="casework_plan_return",
        summary=_("Return a plan with comments"),
        request=ReturnSerializer,
        responses={200: PlanSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.case()
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = self.call(supervision_services.plan_return, case, comment=serializer.validated_data["comment"])
        return Response(PlanSerializer(plan_payload(plan)).data)


# ---------------------------------------------------------------------------------------------
# Closure


class ClosureRequestView(CaseApiMixin, APIView):
    parser_classes = FORM_PARSERS

    @extend_schema(
        operation_id="casework_closure_request",
        summary=_("Ask to close a case"),
        request=ClosureSerializer,
        responses={201: ClosureSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.case()
        serializer = ClosureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        closure = self.call(
            closure_services.closure_request,
            case,
            reason=data["reason"],
            confirmed=data["confirmed"],
            follow_up_agreed=data["follow_up_agreed"],
            transfer_referral=data["transfer_referral"],
        )
        return Response(ClosureSerializer(closure_payload(closure)).data, status=status.HTTP_201_CREATED)


class ClosureApprove(SupervisorCaseApiMixin, APIView):
    @extend_schema(
        operation_id="casework_closure_approve",
        summary=_("Approve a closure"),
        request=CommentSerializer,
        responses={200: ClosureSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.case()
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        closure = self.call(closure_services.closure_approve, case, comment=serializer.validated_data["comment"])
        return Response(ClosureSerializer(closure_payload(closure)).data)


class ClosureReturn(SupervisorCaseApiMixin, APIView):
    @extend_schema(
        operation_id="casework_closure_return",
        summary=_("Return a closure with comments"),
        request=ReturnSerializer,
        responses={200: ClosureSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.case()
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        closure = self.call(closure_services.closure_return, case, comment=serializer.validated_data["comment"])
        return Response(ClosureSerializer(closure_payload(closure)).data)


class CaseReopen(SupervisorCaseApiMixin, APIView):
    @extend_schema(
        operation_id="casework_case_reopen",
        summary=_("Reopen a closed case"),
        request=None,
        responses={200: CaseStatusSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.call(closure_services.case_reopen, self.case())
        return Response(CaseStatusSerializer({"id": case.pk, "status": case.status, "closed_at": case.closed_at}).data)


# ---------------------------------------------------------------------------------------------
# Caseload and reassignment


class SupervisorApiMixin:
    caseway_access = ROLE
    caseway_action = Action.SUPERVISE_CASES
    permission_classes = [permissions.IsAuthenticated, MembershipAllows]


class CaseloadRowSerializer(serializers.Serializer):
    user = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    is_member = serializers.BooleanField()
    open_cases = serializers.IntegerField()
    by_risk = serializers.DictField(child=serializers.IntegerField())
    no_contact = serializers.IntegerField()
    follow_ups_overdue = serializers.IntegerField()
    tasks_overdue = serializers.IntegerField()
    plans_waiting = serializers.IntegerField()
    closures_waiting = serializers.IntegerField()


class CaseloadSerializer(serializers.Serializer):
    no_contact_days = serializers.IntegerField()
    caseworkers = CaseloadRowSerializer(many=True)
    unassigned = CaseloadRowSerializer()


def _row(row) -> dict:
    return {
        "user": row.user.pk if row.user else None,
        "name": str(row.user) if row.user else "",
        "is_member": row.is_member,
        "open_cases": row.open_cases,
        "by_risk": row.by_risk,
        "no_contact": row.no_contact,
        "follow_ups_overdue": row.follow_ups_overdue,
        "tasks_overdue": row.tasks_overdue,
        "plans_waiting": row.plans_waiting,
        "closures_waiting": row.closures_waiting,
    }


class CaseloadView(SupervisorApiMixin, APIView):
    @extend_schema(
        operation_id="casework_caseload",
        summary=_("The organization's caseload"),
        responses={200: CaseloadSerializer},
    )
    def get(self, request):
        caseload = supervision_queries.caseload(request.membership)
        payload = {
            "no_contact_days": caseload.no_contact_days,
            "caseworkers": [_row(row) for row in caseload.rows],
            "unassigned": _row(caseload.unassigned),
        }
        return Response(CaseloadSerializer(payload).data)


class ReassignSerializer(serializers.Serializer):
    from_user = serializers.IntegerField(**USER_ID)
    to_user = serializers.IntegerField(**USER_ID)
    case = serializers.UUIDField(required=False, allow_null=True, default=None)


class ReassignResultSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    tasks = serializers.IntegerField()
    appointments = serializers.IntegerField()


class ReassignView(SupervisorApiMixin, APIView):
    @extend_schema(
        operation_id="casework_caseload_reassign",
        summary=_("Hand over cases"),
        request=ReassignSerializer,
        responses={200: ReassignResultSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request):
        serializer = ReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = access.get_case(request.membership, data["case"]) if data["case"] else None
        from_user = User.objects.filter(pk=data["from_user"]).first()
        if from_user is None:
            raise api_validation_error(DjangoValidationError({"from_user": _("No user has this id.")}))
        try:
            counts = supervision_services.cases_reassign(
                actor=request.user,
                membership=request.membership,
                from_user=from_user,
                to_user=data["to_user"],
                case=case,
                request=request,
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        return Response(ReassignResultSerializer(counts).data)


urlpatterns = [
    path("cases/<uuid:pk>/plan/approve/", PlanApprove.as_view(), name="casework_plan_approve"),
    path("cases/<uuid:pk>/plan/return/", PlanReturn.as_view(), name="casework_plan_return"),
    path("cases/<uuid:pk>/closure/", ClosureRequestView.as_view(), name="casework_closure_request"),
    path("cases/<uuid:pk>/closure/approve/", ClosureApprove.as_view(), name="casework_closure_approve"),
    path("cases/<uuid:pk>/closure/return/", ClosureReturn.as_view(), name="casework_closure_return"),
    path("cases/<uuid:pk>/reopen/", CaseReopen.as_view(), name="casework_case_reopen"),
    path("caseload/", CaseloadView.as_view(), name="casework_caseload"),
    path("caseload/reassign/", ReassignView.as_view(), name="casework_caseload_reassign"),
]
