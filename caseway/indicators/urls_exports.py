"""URLs of the indicators exports, included in the ``indicators`` namespace by ``indicators/urls.py``."""

urlpatterns = []
