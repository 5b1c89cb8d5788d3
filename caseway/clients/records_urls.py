from django.urls import path

from caseway.clients import records_views

urlpatterns = [
    path("", records_views.client_list, name="client_list"),
    path("cases/<uuid:pk>/", records_views.case_detail, name="case_detail"),
    path("cases/<uuid:pk>/break-glass/", records_views.break_glass, name="break_glass"),
    path("cases/<uuid:pk>/identity/", records_views.identity_edit, name="identity_edit"),
    path("cases/<uuid:pk>/assignment/", records_views.case_assignment, name="case_assignment"),
    path("cases/<uuid:pk>/sensitivity/", records_views.case_sensitivity, name="case_sensitivity"),
    path("alerts/", records_views.alert_inbox, name="alert_inbox"),
    path("alerts/<int:pk>/resolve/", records_views.alert_resolve, name="alert_resolve"),
    path("link-requests/", records_views.link_request_list, name="link_request_list"),
    path("link-requests/<int:pk>/", records_views.link_request_detail, name="link_request_detail"),
]
