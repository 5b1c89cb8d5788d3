"""Network referral statistics, in the "referrals" namespace (included from caseway/referrals/urls.py)."""

from django.urls import path

from caseway.referrals import statistics_views

urlpatterns = [
    path("statistics/", statistics_views.statistics_page, name="statistics"),
    path("statistics.csv", statistics_views.statistics_csv, name="statistics_csv"),
]
