from django.urls import path

from caseway.portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("messages/", staff_views.inbox, name="inbox"),
    path("<uuid:case_pk>/portal/", staff_views.case_portal, name="case_portal"),
    path("<uuid:case_pk>/portal/invite/", staff_views.case_portal_invite, name="case_portal_invite"),
    path("<uuid:case_pk>/portal/documents/<uuid:pk>/", staff_views.case_document, name="case_document"),
    path("<uuid:case_pk>/portal/files/<uuid:pk>/", staff_views.case_attachment, name="case_attachment"),
    path(
        "<uuid:case_pk>/portal/requests/<uuid:pk>/answered/",
        staff_views.case_portal_request_handled,
        name="case_portal_request_handled",
    ),
]
