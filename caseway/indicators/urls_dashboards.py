"""URLs of the indicators dashboards, included in the ``indicators`` namespace by ``indicators/urls.py``."""

urlpatterns = []
