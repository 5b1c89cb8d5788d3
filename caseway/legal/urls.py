from django.urls import include, path

from caseway.legal import views

app_name = "legal"

urlpatterns = [
    path("deadlines/", views.deadlines, name="deadlines"),
    path("matters/<uuid:pk>/", views.matter, name="matter"),
    path("matters/<uuid:pk>/co-counsel/", views.co_counsel_add, name="co_counsel_add"),
    path("cases/<uuid:case_pk>/", views.case_matters, name="case_matters"),
    path("matters/<uuid:pk>/remedies/", views.remedy_add, name="remedy_add"),
    path("remedies/<uuid:pk>/decision/", views.remedy_decide, name="remedy_decide"),
    path("deadlines/<uuid:pk>/met/", views.deadline_met, name="deadline_met"),
    path("alerts/<int:pk>/seen/", views.alert_seen, name="alert_seen"),
    path("matters/<uuid:pk>/stage/", views.stage_set, name="stage_set"),
    path("events/<uuid:pk>/day/", views.event_change, name="event_change"),
    path("matters/<uuid:pk>/parties/", views.matter_parties, name="parties"),
    path("parties/<uuid:pk>/", views.party, name="party"),
    path("forums/", views.jurisdictions, name="jurisdictions"),
    path("forums/<slug:code>/", views.jurisdiction, name="jurisdiction"),
    path("closures/<int:pk>/remove/", views.closure_remove, name="closure_remove"),
    path("", include("caseway.legal.urls_evidence")),
    path("", include("caseway.legal.urls_reviews")),
    path("", include("caseway.legal.urls_analytics")),
]
