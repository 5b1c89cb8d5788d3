"""The matching page: services ranked for a case's open needs.

A plain ``urlpatterns`` list. It belongs in caseway/referrals/urls.py (namespace "referrals",
name "match", under "referrals/"); until then caseway/urls.py includes it under
"referrals/match/" with the namespace "matching".
"""

from django.urls import path

from caseway.referrals import matching_views

urlpatterns = [
    path("<uuid:case_pk>/", matching_views.match, name="match"),
]
