from django.urls import path

from caseway.clients import consent_views

urlpatterns = [
    path("<uuid:client_pk>/consents/", consent_views.consent_list, name="consent_list"),
    path("<uuid:client_pk>/consents/new/", consent_views.consent_new, name="consent_new"),
    path("<uuid:client_pk>/consents/<uuid:pk>/withdraw/", consent_views.consent_revoke, name="consent_revoke"),
]
