from caseway.clients import assessments_urls, erasure_urls, intake_urls, records_urls

app_name = "clients"

# One namespace, one module per area of the app (intake, records and search, assessments and
# safety, erasure and retention), so each reads on its own.
urlpatterns = [
    *records_urls.urlpatterns,
    *intake_urls.urlpatterns,
    *assessments_urls.urlpatterns,
    *erasure_urls.urlpatterns,
]
