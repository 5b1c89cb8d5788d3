"""URL wiring for each app's ``api.py``; nothing else lives here (DESIGN.md)."""

from django.urls import path, re_path

from caseway.accounts.api import MeView
from caseway.accounts.middleware import second_factor_exempt
from caseway.api import views
from caseway.casework.api_urls import urlpatterns as casework_api_urlpatterns
from caseway.clients.api import (
    AssessmentList,
    ClientDetail,
    ClientList,
    ConsentList,
    ConsentRevoke,
    ConsentWordingList,
)
from caseway.indicators.api_urls import urlpatterns as indicators_api_urlpatterns
from caseway.legal.api_urls import urlpatterns as legal_api_urlpatterns
from caseway.messaging.api import CaseMessages, ReferralMessages
from caseway.orgs.api import OrganizationDetail, OrganizationList
from caseway.referrals import api as referrals_api
from caseway.referrals.statistics_api import NetworkStatistics

app_name = "api"

urlpatterns = [
    path("schema/", second_factor_exempt(views.SchemaView.as_view()), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("docs/schemas/", views.docs_schemas, name="docs_schemas"),
    path("me/", MeView.as_view(), name="me"),
    path("organizations/", OrganizationList.as_view(), name="organization_list"),
    path("organizations/<int:pk>/", OrganizationDetail.as_view(), name="organization_detail"),
    path("clients/", ClientList.as_view(), name="client_list"),
    path("clients/<uuid:pk>/", ClientDetail.as_view(), name="client_detail"),
    path("clients/<uuid:pk>/consents/", ConsentList.as_view(), name="client_consents"),
    path("clients/<uuid:pk>/consents/<uuid:consent_pk>/revoke/", ConsentRevoke.as_view(), name="client_consent_revoke"),
    path("clients/<uuid:pk>/assessments/", AssessmentList.as_view(), name="client_assessments"),
    path("consent-wordings/", ConsentWordingList.as_view(), name="consent_wordings"),
    path("referrals/", referrals_api.ReferralList.as_view(), name="referral_list"),
    path("referrals/statistics/", NetworkStatistics.as_view(), name="referral_statistics"),
    path("referrals/<uuid:pk>/", referrals_api.ReferralDetail.as_view(), name="referral_detail"),
    path("referrals/<uuid:pk>/send/", referrals_api.ReferralSend.as_view(), name="referral_send"),
    path("referrals/<uuid:pk>/accept/", referrals_api.ReferralAccept.as_view(), name="referral_accept"),
    path("referrals/<uuid:pk>/decline/", referrals_api.ReferralDecline.as_view(), name="referral_decline"),
    path(
        "referrals/<uuid:pk>/start-service/",
        referrals_api.ReferralStartService.as_view(),
        name="referral_start_service",
    ),
    path("referrals/<uuid:pk>/complete/", referrals_api.ReferralComplete.as_view(), name="referral_complete"),
    path(
        "referrals/<uuid:pk>/close-unsuccessful/",
        referrals_api.ReferralCloseUnsuccessful.as_view(),
        name="referral_close_unsuccessful",
    ),
    path("referrals/<uuid:pk>/messages/", ReferralMessages.as_view(), name="referral_messages"),
    path("cases/<uuid:pk>/messages/", CaseMessages.as_view(), name="case_messages"),
    path("referrals/<uuid:pk>/withdraw/", referrals_api.ReferralWithdraw.as_view(), name="referral_withdraw"),
    path("pathways/", referrals_api.PathwayList.as_view(), name="pathway_list"),
    path("cases/<uuid:pk>/pathways/", referrals_api.CasePathwayRuns.as_view(), name="case_pathways"),
    path("pathway-runs/<uuid:pk>/", referrals_api.PathwayRunDetail.as_view(), name="pathway_run_detail"),
    *casework_api_urlpatterns,
    *legal_api_urlpatterns,
    *indicators_api_urlpatterns,
    # Last: everything else under /api/v1/ answers in JSON too.
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not_found"),
]
