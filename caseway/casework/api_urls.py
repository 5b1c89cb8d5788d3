"""The casework API under /api/v1/ (names in the ``api`` namespace), one module per part."""

from caseway.casework import appointment_api, note_api, payment_api, plan_api, supervision_api

urlpatterns = [
    *plan_api.urlpatterns,
    *note_api.urlpatterns,
    *appointment_api.urlpatterns,
    *payment_api.urlpatterns,
    *supervision_api.urlpatterns,
]
