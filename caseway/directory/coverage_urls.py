"""The coverage map ("who does what where") at /directory/coverage/, and its exports."""

from django.urls import path

from caseway.directory import coverage_views as views

app_name = "coverage"

urlpatterns = [
    path("", views.coverage_map, name="map"),
    # The coverage table in long form (one row per area and category).
    path("export.csv", views.export, {"kind": "coverage", "fmt": "csv"}, name="coverage_csv"),
    path("export.xlsx", views.export, {"kind": "coverage", "fmt": "xlsx"}, name="coverage_xlsx"),
    path("export.hxl.csv", views.export, {"kind": "coverage", "fmt": "hxl_csv"}, name="coverage_hxl_csv"),
    path("export.hxl.xlsx", views.export, {"kind": "coverage", "fmt": "hxl_xlsx"}, name="coverage_hxl_xlsx"),
    # Who does what where: one row per organization, area, category and service status.
    path("3w.csv", views.export, {"kind": "3w", "fmt": "csv"}, name="3w_csv"),
    path("3w.xlsx", views.export, {"kind": "3w", "fmt": "xlsx"}, name="3w_xlsx"),
    path("3w.hxl.csv", views.export, {"kind": "3w", "fmt": "hxl_csv"}, name="3w_hxl_csv"),
    path("3w.hxl.xlsx", views.export, {"kind": "3w", "fmt": "hxl_xlsx"}, name="3w_hxl_xlsx"),
]
