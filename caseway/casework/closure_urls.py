"""URLs of the closure pages (included by supervision_urls.py, under /cases/)."""

from django.urls import path

from caseway.casework import closure_views

urlpatterns = [
    path("<uuid:case_pk>/closure/", closure_views.closure_request, name="closure_request"),
    path("<uuid:case_pk>/closure/decision/", closure_views.closure_decide, name="closure_decide"),
    path("<uuid:case_pk>/reopen/", closure_views.case_reopen, name="case_reopen"),
]
