"""URLs for referrals to organizations outside the network.

``urlpatterns`` (namespace ``external``) are the outside organization's pages, under a neutral
path (``caseway/urls.py``: ``s/``) with no word about what they hold; ``sender_urlpatterns`` join
the ``referrals`` namespace (``referrals/urls.py``).
"""

from django.urls import path

from caseway.referrals import external_views

app_name = "external"

urlpatterns = [
    path("<str:token>/", external_views.link_open, name="open"),
    path("<str:token>/answer/", external_views.link_answer, name="answer"),
]

sender_urlpatterns = [
    path("cases/<uuid:case_pk>/outside/", external_views.outside_create, name="outside_create"),
    path("<uuid:pk>/outside/", external_views.outside, name="outside"),
    path("<uuid:pk>/outside/print/", external_views.outside_print, name="outside_print"),
    path("<uuid:pk>/outside/links/", external_views.outside_link_create, name="outside_link_create"),
    path(
        "<uuid:pk>/outside/links/<uuid:link_pk>/revoke/",
        external_views.outside_link_revoke,
        name="outside_link_revoke",
    ),
]
