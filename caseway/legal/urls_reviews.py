"""URLs of the legal reviews pages, included in the ``legal`` namespace by ``legal/urls.py``."""

urlpatterns = []
