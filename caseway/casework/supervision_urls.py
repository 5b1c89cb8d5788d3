"""URLs of the casework supervision pages (included by casework/urls.py, under /cases/):
plan approval, the caseload, reassignment, and closure (closure_urls)."""

from django.urls import path

from caseway.casework import closure_urls, supervision_views

urlpatterns = [
    path("caseload/", supervision_views.caseload, name="caseload"),
    path("caseload/mine/", supervision_views.caseload_mine, name="caseload_mine"),
    path("caseload/<int:user_pk>/", supervision_views.caseload_worker, name="caseload_worker"),
    path("caseload/reassign/", supervision_views.caseload_reassign, name="caseload_reassign"),
    path("<uuid:case_pk>/plan/decision/", supervision_views.plan_decide, name="plan_decide"),
    path("<uuid:case_pk>/reassign/", supervision_views.case_reassign, name="case_reassign"),
    *closure_urls.urlpatterns,
]
