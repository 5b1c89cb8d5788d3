"""The indicators pages under /indicators/ (``indicators`` namespace): dashboards and exports."""

from django.urls import include, path

app_name = "indicators"

urlpatterns = [
    path("", include("caseway.indicators.urls_dashboards")),
    path("", include("caseway.indicators.urls_exports")),
]
