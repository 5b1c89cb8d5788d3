"""URLs of the legal analytics pages, included in the ``legal`` namespace by ``legal/urls.py``."""

from django.urls import path

from caseway.legal import views_analytics

urlpatterns = [
    path("analytics/", views_analytics.analytics_page, name="analytics"),
    path("analytics.csv", views_analytics.analytics_csv, name="analytics_csv"),
]
