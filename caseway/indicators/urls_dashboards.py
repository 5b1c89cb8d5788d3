"""URLs of the indicators dashboards, included in the ``indicators`` namespace by ``indicators/urls.py``."""

from django.urls import path

from caseway.indicators import views_dashboards as views

urlpatterns = [
    path("network/", views.network, name="network"),
    path("organization/", views.organization_home, name="organization_home"),
    path("organizations/<int:pk>/", views.organization, name="organization"),
    path("funded/", views.funded_dashboard, name="funded"),
    path("targets/", views.targets, name="targets"),
    path("funding/", views.funding, name="funding"),
    path("funding/<int:pk>/end/", views.funding_end, name="funding_end"),
]
