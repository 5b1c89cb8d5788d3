"""The public transparency page at /transparency/ (``transparency`` namespace): no sign-in."""

from django.urls import path

from caseway.indicators import views_dashboards as views
from caseway.indicators import views_exports

app_name = "transparency"

urlpatterns = [
    path("", views.transparency, name="index"),
    # The page's downloads (views_exports): the network only, never by organization.
    path("export.csv", views_exports.public_csv, name="export_csv"),
    path("export.xlsx", views_exports.public_xlsx, name="export_xlsx"),
    path("export-hxl.csv", views_exports.public_hxl, name="export_hxl"),
]
