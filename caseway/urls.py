from django.urls import include, path

from caseway import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("exit/", views.quick_exit, name="quick_exit"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/", include("caseway.accounts.urls")),
    path("orgs/", include("caseway.orgs.urls")),
    path("agreements/", include("caseway.orgs.agreement_urls")),
    path("audit/", include("caseway.audit.urls")),
    path("directory/", include("caseway.directory.urls")),
    path("directory/import/", include("caseway.directory.import_urls")),
    path("directory/coverage/", include("caseway.directory.coverage_urls")),
    path("services/", include("caseway.directory.public_urls")),
    path("api/hsds/", include("caseway.directory.hsds_urls")),
    path("clients/", include("caseway.clients.urls")),
    path("referrals/match/", include(("caseway.referrals.matching_urls", "matching"))),
    path("referrals/", include("caseway.referrals.urls")),
    path("s/", include("caseway.referrals.external_urls")),
    path("cases/", include("caseway.casework.urls")),
    path("cases/", include("caseway.portal.staff_urls")),
    path("legal/", include("caseway.legal.urls")),
    path("indicators/", include("caseway.indicators.urls")),
    path("transparency/", include("caseway.indicators.urls_public")),
    path("messages/", include("caseway.messaging.urls")),
    path("portal/feedback/", include("caseway.feedback.portal_urls")),
    path("portal/", include("caseway.portal.urls")),
    path("api/v1/", include("caseway.api.urls")),
]

handler403 = "caseway.views.permission_denied"
handler404 = "caseway.views.page_not_found"
handler400 = "caseway.views.bad_request"
handler500 = "caseway.views.server_error"
