"""URL wiring for each app's ``api.py``; nothing else lives here (DESIGN.md)."""

from django.urls import path, re_path

from caseway.accounts.api import MeView
from caseway.accounts.middleware import second_factor_exempt
from caseway.api import views
from caseway.orgs.api import OrganizationDetail, OrganizationList

app_name = "api"

urlpatterns = [
    path("schema/", second_factor_exempt(views.SchemaView.as_view()), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("me/", MeView.as_view(), name="me"),
    path("organizations/", OrganizationList.as_view(), name="organization_list"),
    path("organizations/<int:pk>/", OrganizationDetail.as_view(), name="organization_detail"),
    # Last: everything else under /api/v1/ answers in JSON too.
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not_found"),
]
