"""Assessments, safety plan and GBV incidents of a case (namespace "clients", under /clients/)."""

from django.urls import path

from caseway.clients import assessments_views

urlpatterns = [
    path("cases/<uuid:pk>/assessments/", assessments_views.assessment_list, name="assessment_list"),
    path("cases/<uuid:pk>/assessments/new/<slug:code>/", assessments_views.assessment_new, name="assessment_new"),
    path(
        "cases/<uuid:pk>/assessments/<uuid:assessment_pk>/",
        assessments_views.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "cases/<uuid:pk>/assessments/compare/<slug:code>/",
        assessments_views.assessment_compare,
        name="assessment_compare",
    ),
    path("cases/<uuid:pk>/safety-plan/", assessments_views.safety_plan, name="safety_plan"),
    path("cases/<uuid:pk>/safety-plan/edit/", assessments_views.safety_plan_edit, name="safety_plan_edit"),
    path("cases/<uuid:pk>/incidents/", assessments_views.incident_list, name="incident_list"),
    path("cases/<uuid:pk>/incidents/new/", assessments_views.incident_new, name="incident_new"),
    path("cases/<uuid:pk>/incidents/<uuid:incident_pk>/", assessments_views.incident_detail, name="incident_detail"),
]
