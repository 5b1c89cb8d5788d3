"""The indicators API under /api/v1/ (names in the ``api`` namespace)."""

from django.urls import path

from caseway.indicators import api

urlpatterns = [
    path("indicators/", api.IndicatorLibrary.as_view(), name="indicators"),
    path("indicators/values/", api.IndicatorValues.as_view(), name="indicator_values"),
    path("indicators/progress/", api.IndicatorProgress.as_view(), name="indicator_progress"),
]
