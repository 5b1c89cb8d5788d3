"""The casework pages under /cases/, one module of URLs per part (plans, notes, appointments, ...)."""

from caseway.casework import appointment_urls, note_urls, payment_urls, plan_urls, supervision_urls

app_name = "casework"

urlpatterns = [
    *plan_urls.urlpatterns,
    *note_urls.urlpatterns,
    *appointment_urls.urlpatterns,
    *payment_urls.urlpatterns,
    *supervision_urls.urlpatterns,
]
