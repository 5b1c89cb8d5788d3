"""The case plan over the API (wired by casework/api_urls.py into /api/v1/): the same access
helpers and services as the pages.

A case is reached through ``casework.access`` (another organization's, or not visible: 404, like
a missing one), its goals and tasks through the case. Writes call ``plan_services``; a refusal
answers 400 naming the field. Reads of goal descriptions, progress notes and task titles are
audited with field names, never values.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway import audit
from caseway.accounts.models import User
from caseway.casework import access, plan_services
from caseway.casework.models import CasePlan, Domain, Goal, GoalProgress, Milestone, Task
from caseway.lib.access import OBJECT
from caseway.lib.drf import api_validation_error
from caseway.orgs.api import MembershipAllows
from caseway.orgs.permissions import Action

VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT, description=_("The request is not valid: an object naming each problem with its messages.")
)


class CaseApiMixin:
    """A view under /cases/<pk>/: the case through ``casework.access`` (404 when not visible)."""

    caseway_access = OBJECT
    caseway_action = Action.VIEW_PERSONAL_DATA
    permission_classes = [permissions.IsAuthenticated, MembershipAllows]

    def case(self):
        return access.get_case(self.request.membership, self.kwargs["pk"])

    def service_kwargs(self, case):
        return {
            "actor": self.request.user,
            "membership": self.request.membership,
            "case": case,
            "request": self.request,
        }

    def call(self, service, case, **values):
        try:
            return service(**self.service_kwargs(case), **values)
        except DjangoValidationError as error:
            raise api_validation_error(error) from None

    def audit_read(self, target, fields):
        if fields:
            audit.record(self.request.user, "casework.plan_viewed", target, fields=fields, request=self.request)


# ---------------------------------------------------------------------------------------------
# Serializers


class PlanSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    status = serializers.ChoiceField(choices=CasePlan.Status.choices, read_only=True)
    follow_up_days = serializers.IntegerField(min_value=1, max_value=plan_services.FOLLOW_UP_MAX_DAYS, default=14)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)


class PlanUpdateSerializer(serializers.Serializer):
    follow_up_days = serializers.IntegerField(min_value=1, max_value=plan_services.FOLLOW_UP_MAX_DAYS)


class GoalSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    domain = serializers.ChoiceField(choices=Domain.choices)
    description = serializers.CharField(max_length=plan_services.TEXT_MAX_LENGTH)
    target_date = serializers.DateField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=Goal.Status.choices, required=False)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class GoalUpdateSerializer(serializers.Serializer):
    domain = serializers.ChoiceField(choices=Domain.choices, required=False)
    description = serializers.CharField(max_length=plan_services.TEXT_MAX_LENGTH, required=False)
    target_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Goal.Status.choices, required=False)


class ProgressSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    text = serializers.CharField(max_length=plan_services.TEXT_MAX_LENGTH)
    status = serializers.ChoiceField(
        choices=Goal.Status.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The goal's new status, if it changed."),
    )
    author = serializers.IntegerField(read_only=True, allow_null=True)
    written_at = serializers.DateTimeField(read_only=True)


class TaskSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(choices=Task.Kind.choices, read_only=True)
    title = serializers.CharField(max_length=plan_services.TITLE_MAX_LENGTH)
    assignee = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A user id: an active member of the case's organization who works on cases."),
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    goal = serializers.UUIDField(required=False, allow_null=True, default=None)
    done_at = serializers.DateTimeField(read_only=True, allow_null=True)
    done_by = serializers.IntegerField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class TaskUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=plan_services.TITLE_MAX_LENGTH, required=False)
    assignee = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    goal = serializers.UUIDField(required=False, allow_null=True)


class MilestoneSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(choices=Milestone.Kind.choices)
    reached_on = serializers.DateField()
    sector = serializers.CharField(
        max_length=1,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Employment and business started only: the ISIC section letter (A to U)."),
    )
    formality = serializers.ChoiceField(
        choices=Milestone.Formality.choices, required=False, allow_blank=True, default=""
    )
    recorded_at = serializers.DateTimeField(read_only=True)


def plan_payload(plan) -> dict:
    return {
        "id": plan.pk,
        "status": plan.status,
        "follow_up_days": plan.follow_up_days,
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
        "submitted_at": plan.submitted_at,
        "decided_at": plan.decided_at,
    }


def goal_payload(goal) -> dict:
    return {
        "id": goal.pk,
        "domain": goal.domain,
        "description": goal.description,
        "target_date": goal.target_date,
        "status": goal.status,
        "created_at": goal.created_at,
        "updated_at": goal.updated_at,
    }


def progress_payload(progress) -> dict:
    return {
        "id": progress.pk,
        "text": progress.text,
        "status": progress.status_after,
        "author": progress.author_id,
        "written_at": progress.written_at,
    }


def task_payload(task) -> dict:
    return {
        "id": task.pk,
        "kind": task.kind,
        "title": task.title,
        "assignee": task.assignee_id,
        "due_on": task.due_on,
        "goal": task.goal_id,
        "done_at": task.done_at,
        "done_by": task.done_by_id,
        "created_at": task.created_at,
    }


def milestone_payload(milestone) -> dict:
    return {
        "id": milestone.pk,
        "kind": milestone.kind,
        "reached_on": milestone.reached_on,
        "sector": milestone.sector,
        "formality": milestone.formality,
        "recorded_at": milestone.recorded_at,
    }


def _plan_of(case) -> CasePlan:
    plan = CasePlan.objects.filter(case=case).defer("decision_comment").first()
    if plan is None:
        raise Http404
    return plan


def _goal_of(case, goal_pk) -> Goal:
    try:
        return Goal.objects.select_related("data_key").get(plan__case=case, pk=goal_pk)
    except (Goal.DoesNotExist, ValueError, DjangoValidationError):
        raise Http404 from None


def _task_of(case, task_pk) -> Task:
    try:
        return Task.objects.select_related("data_key").get(case=case, pk=task_pk)
    except (Task.DoesNotExist, ValueError, DjangoValidationError):
        raise Http404 from None


def _user(pk):
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise exceptions.ValidationError({"assignee": [_("No user has this id.")]})
    return user


# ---------------------------------------------------------------------------------------------
# Views


class PlanView(CaseApiMixin, APIView):
    @extend_schema(
        operation_id="casework_plan_retrieve",
        summary=_("Show a case's plan"),
        description=_("The case's plan and its status (404 when the case has no plan yet); goals are listed apart."),
        responses={200: PlanSerializer},
    )
    def get(self, request, pk):
        return Response(PlanSerializer(plan_payload(_plan_of(self.case()))).data)

    @extend_schema(
        operation_id="casework_plan_create",
        summary=_("Start a case's plan"),
        description=_("One plan per case, as a draft. Adding a first goal also starts it."),
        request=PlanSerializer,
        responses={201: PlanSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.case()
        serializer = PlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = self.call(plan_services.plan_create, case, follow_up_days=serializer.validated_data["follow_up_days"])
        return Response(PlanSerializer(plan_payload(plan)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="casework_plan_update",
        summary=_("Change a plan's follow-up schedule"),
        description=_("An approved or submitted plan goes back to draft: it needs a new approval."),
        request=PlanUpdateSerializer,
        responses={200: PlanSerializer, 400: VALIDATION_ERROR},
    )
    def patch(self, request, pk):
        case = self.case()
        serializer = PlanUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = self.call(plan_services.plan_update, case, follow_up_days=serializer.validated_data["follow_up_days"])
        return Response(PlanSerializer(plan_payload(plan)).data)


class PlanSubmit(CaseApiMixin, APIView):
    @extend_schema(
        operation_id="casework_plan_submit",
        summary=_("Submit a plan for approval"),
        description=_("A draft or returned plan with at least one goal goes to a supervisor for approval."),
        request=None,
        responses={200: PlanSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        plan = self.call(plan_services.plan_submit, self.case())
        return Response(PlanSerializer(plan_payload(plan)).data)


class GoalList(CaseApiMixin, generics.GenericAPIView):
    serializer_class = GoalSerializer

    @extend_schema(
        operation_id="casework_goals_list",
        summary=_("List a case's goals"),
        description=_("The goals of the case's plan by domain. Reading their descriptions is audited."),
        responses={200: GoalSerializer(many=True)},
    )
    def get(self, request, pk):
        case = self.case()
        goals = Goal.objects.filter(plan__case=case).select_related("data_key").order_by("domain", "created_at", "pk")
        page = self.paginate_queryset(goals)
        if page:
            self.audit_read(case, ["goal.description"])
        return self.get_paginated_response(GoalSerializer([goal_payload(goal) for goal in page], many=True).data)

    @extend_schema(
        operation_id="casework_goals_create",
        summary=_("Add a goal"),
        description=_("Adds a goal to the case's plan (started if needed); an approved plan goes back to draft."),
        request=GoalSerializer,
        responses={201: GoalSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.case()
        serializer = GoalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        goal = self.call(
            plan_services.goal_add,
            case,
            domain=data["domain"],
            description=data["description"],
            target_date=data["target_date"],
        )
        if data.get("status") and data["status"] != goal.status:
            goal = self.call(plan_services.goal_update, case, goal=goal, status=data["status"])
        return Response(GoalSerializer(goal_payload(goal)).data, status=status.HTTP_201_CREATED)


class GoalDetail(CaseApiMixin, APIView):
    @extend_schema(
        operation_id="casework_goals_retrieve",
        summary=_("Show a goal"),
        responses={200: GoalSerializer},
    )
    def get(self, request, pk, goal_pk):
        goal = _goal_of(self.case(), goal_pk)
        self.audit_read(goal, ["description"])
        return Response(GoalSerializer(goal_payload(goal)).data)

    @extend_schema(
        operation_id="casework_goals_update",
        summary=_("Change a goal"),
        description=_(
            "Only the fields sent change. A new domain, description or target date sends an approved plan back "
            "to draft; a status alone does not."
        ),
        request=GoalUpdateSerializer,
        responses={200: GoalSerializer, 400: VALIDATION_ERROR},
    )
    def patch(self, request, pk, goal_pk):
        case = self.case()
        goal = _goal_of(case, goal_pk)
        serializer = GoalUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        goal = self.call(plan_services.goal_update, case, goal=goal, **serializer.validated_data)
        return Response(GoalSerializer(goal_payload(goal)).data)


class ProgressList(CaseApiMixin, generics.GenericAPIView):
    serializer_class = ProgressSerializer

    @extend_schema(
        operation_id="casework_goal_progress_list",
        summary=_("List a goal's progress notes"),
        description=_("Oldest first. Reading them is audited."),
        responses={200: ProgressSerializer(many=True)},
    )
    def get(self, request, pk, goal_pk):
        goal = _goal_of(self.case(), goal_pk)
        notes = GoalProgress.objects.filter(goal=goal).select_related("data_key").order_by("written_at", "pk")
        page = self.paginate_queryset(notes)
        if page:
            self.audit_read(goal, ["goal_progress.text"])
        return self.get_paginated_response(ProgressSerializer([progress_payload(n) for n in page], many=True).data)

    @extend_schema(
        operation_id="casework_goal_progress_create",
        summary=_("Record progress on a goal"),
        description=_("A progress note (append-only), optionally with the goal's new status."),
        request=ProgressSerializer,
        responses={201: ProgressSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk, goal_pk):
        case = self.case()
        goal = _goal_of(case, goal_pk)
        serializer = ProgressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        progress = self.call(plan_services.goal_progress_add, case, goal=goal, text=data["text"], status=data["status"])
        return Response(ProgressSerializer(progress_payload(progress)).data, status=status.HTTP_201_CREATED)


class TaskList(CaseApiMixin, generics.GenericAPIView):
    serializer_class = TaskSerializer

    @extend_schema(
        operation_id="casework_tasks_list",
        summary=_("List a case's tasks"),
        description=_("Open tasks first by due date, then those done. Reading their titles is audited."),
        responses={200: TaskSerializer(many=True)},
    )
    def get(self, request, pk):
        case = self.case()
        tasks = (
            Task.objects.filter(case=case).select_related("data_key").order_by("done_at", "due_on", "created_at", "pk")
        )
        page = self.paginate_queryset(tasks)
        if page:
            self.audit_read(case, ["task.title"])
        return self.get_paginated_response(TaskSerializer([task_payload(task) for task in page], many=True).data)

    @extend_schema(
        operation_id="casework_tasks_create",
        summary=_("Add a task"),
        request=TaskSerializer,
        responses={201: TaskSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.case()
        serializer = TaskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        task = self.call(
            plan_services.task_add,
            case,
            title=data["title"],
            assignee=_user(data["assignee"]),
            due_on=data["due_on"],
            goal=data["goal"],
        )
        return Response(TaskSerializer(task_payload(task)).data, status=status.HTTP_201_CREATED)


class TaskDetail(CaseApiMixin, APIView):
    @extend_schema(operation_id="casework_tasks_retrieve", summary=_("Show a task"), responses={200: TaskSerializer})
    def get(self, request, pk, task_pk):
        task = _task_of(self.case(), task_pk)
        self.audit_read(task, ["title"])
        return Response(TaskSerializer(task_payload(task)).data)

    @extend_schema(
        operation_id="casework_tasks_update",
        summary=_("Change a task"),
        description=_("Only the fields sent change. A task done can no longer be changed."),
        request=TaskUpdateSerializer,
        responses={200: TaskSerializer, 400: VALIDATION_ERROR},
    )
    def patch(self, request, pk, task_pk):
        case = self.case()
        task = _task_of(case, task_pk)
        serializer = TaskUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        if "assignee" in values:
            values["assignee"] = _user(values["assignee"])
        task = self.call(plan_services.task_update, case, task=task, **values)
        return Response(TaskSerializer(task_payload(task)).data)


class TaskDone(CaseApiMixin, APIView):
    @extend_schema(
        operation_id="casework_tasks_done",
        summary=_("Mark a task done"),
        request=None,
        responses={200: TaskSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk, task_pk):
        case = self.case()
        task = self.call(plan_services.task_done, case, task=_task_of(case, task_pk))
        return Response(TaskSerializer(task_payload(task)).data)


class MilestoneList(CaseApiMixin, generics.GenericAPIView):
    serializer_class = MilestoneSerializer

    @extend_schema(
        operation_id="casework_milestones_list",
        summary=_("List a case's milestones"),
        description=_("Reintegration milestones reached, latest first."),
        responses={200: MilestoneSerializer(many=True)},
    )
    def get(self, request, pk):
        milestones = Milestone.objects.filter(case=self.case()).order_by("-reached_on", "-pk")
        page = self.paginate_queryset(milestones)
        return self.get_paginated_response(MilestoneSerializer([milestone_payload(m) for m in page], many=True).data)

    @extend_schema(
        operation_id="casework_milestones_create",
        summary=_("Record a milestone"),
        description=_("Employment and business started need a sector (ISIC section) and formal or informal."),
        request=MilestoneSerializer,
        responses={201: MilestoneSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.case()
        serializer = MilestoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = self.call(plan_services.milestone_record, case, **serializer.validated_data)
        return Response(MilestoneSerializer(milestone_payload(milestone)).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("cases/<uuid:pk>/plan/", PlanView.as_view(), name="casework_plan"),
    path("cases/<uuid:pk>/plan/submit/", PlanSubmit.as_view(), name="casework_plan_submit"),
    path("cases/<uuid:pk>/goals/", GoalList.as_view(), name="casework_goals"),
    path("cases/<uuid:pk>/goals/<uuid:goal_pk>/", GoalDetail.as_view(), name="casework_goal"),
    path("cases/<uuid:pk>/goals/<uuid:goal_pk>/progress/", ProgressList.as_view(), name="casework_goal_progress"),
    path("cases/<uuid:pk>/tasks/", TaskList.as_view(), name="casework_tasks"),
    path("cases/<uuid:pk>/tasks/<uuid:task_pk>/", TaskDetail.as_view(), name="casework_task"),
    path("cases/<uuid:pk>/tasks/<uuid:task_pk>/done/", TaskDone.as_view(), name="casework_task_done"),
    path("cases/<uuid:pk>/milestones/", MilestoneList.as_view(), name="casework_milestones"),
]
