"""URLs of the case work page and the plan pages (included by casework/urls.py, under /cases/)."""

from django.urls import path

from caseway.casework import case_views, plan_views

urlpatterns = [
    path("<uuid:case_pk>/", case_views.case_page, name="case"),
    path("<uuid:case_pk>/plan/", plan_views.plan_page, name="plan"),
    path("<uuid:case_pk>/plan/edit/", plan_views.plan_edit, name="plan_edit"),
    path("<uuid:case_pk>/plan/submit/", plan_views.plan_submit, name="plan_submit"),
    path("<uuid:case_pk>/plan/goals/new/", plan_views.goal_add, name="goal_add"),
    path("<uuid:case_pk>/plan/goals/<uuid:goal_pk>/", plan_views.goal_edit, name="goal_edit"),
    path("<uuid:case_pk>/plan/goals/<uuid:goal_pk>/progress/", plan_views.goal_progress_add, name="goal_progress_add"),
    path("<uuid:case_pk>/plan/tasks/new/", plan_views.task_add, name="task_add"),
    path("<uuid:case_pk>/plan/tasks/<uuid:task_pk>/", plan_views.task_edit, name="task_edit"),
    path("<uuid:case_pk>/plan/tasks/<uuid:task_pk>/done/", plan_views.task_done, name="task_done"),
    path("<uuid:case_pk>/plan/milestones/new/", plan_views.milestone_add, name="milestone_add"),
]
