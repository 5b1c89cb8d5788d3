from django.urls import path

from caseway.clients import consent_views, intake_views

urlpatterns = [
    path("intake/", intake_views.intake_list, name="intake_list"),
    path("intake/new/", intake_views.intake_start, name="intake_start"),
    path("intake/<uuid:pk>/end/", intake_views.intake_end, name="intake_end"),
    path("intake/<uuid:pk>/existing/", intake_views.intake_use_existing, name="intake_use_existing"),
    path("intake/<uuid:pk>/done/", intake_views.intake_done, name="intake_done"),
    path("intake/<uuid:pk>/<slug:step>/", intake_views.intake_step, name="intake_step"),
    path("<uuid:client_pk>/consents/", consent_views.consent_list, name="consent_list"),
    path("<uuid:client_pk>/consents/new/", consent_views.consent_new, name="consent_new"),
    path("<uuid:client_pk>/consents/<uuid:pk>/withdraw/", consent_views.consent_revoke, name="consent_revoke"),
]
