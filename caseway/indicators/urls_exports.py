"""URLs of the indicators exports, included in the ``indicators`` namespace by ``indicators/urls.py``."""

from django.urls import path

from caseway.indicators import views_exports

urlpatterns = [
    path("export.csv", views_exports.export_csv, name="export_csv"),
    path("export.xlsx", views_exports.export_xlsx, name="export_xlsx"),
    path("export-hxl.csv", views_exports.export_hxl, name="export_hxl"),
    path("report/", views_exports.report, name="report"),
]
