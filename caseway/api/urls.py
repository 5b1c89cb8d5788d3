"""URL wiring for each app's ``api.py``; nothing else lives here (DESIGN.md)."""

from django.urls import path, re_path

from caseway.accounts.api import MeView
from caseway.accounts.middleware import second_factor_exempt
from caseway.api import views
from caseway.clients.api import (
    AssessmentList,
    ClientDetail,
    ClientList,
    ConsentList,
    ConsentRevoke,
    ConsentWordingList,
)
from caseway.orgs.api import OrganizationDetail, OrganizationList

app_name = "api"

urlpatterns = [
    path("schema/", second_factor_exempt(views.SchemaView.as_view()), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("me/", MeView.as_view(), name="me"),
    path("organizations/", OrganizationList.as_view(), name="organization_list"),
    path("organizations/<int:pk>/", OrganizationDetail.as_view(), name="organization_detail"),
    path("clients/", ClientList.as_view(), name="client_list"),
    path("clients/<uuid:pk>/", ClientDetail.as_view(), name="client_detail"),
    path("clients/<uuid:pk>/consents/", ConsentList.as_view(), name="client_consents"),
    path("clients/<uuid:pk>/consents/<uuid:consent_pk>/revoke/", ConsentRevoke.as_view(), name="client_consent_revoke"),
    path("clients/<uuid:pk>/assessments/", AssessmentList.as_view(), name="client_assessments"),
    path("consent-wordings/", ConsentWordingList.as_view(), name="consent_wordings"),
    # Last: everything else under /api/v1/ answers in JSON too.
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not_found"),
]
