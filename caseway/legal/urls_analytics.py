"""URLs of the legal analytics pages, included in the ``legal`` namespace by ``legal/urls.py``."""

urlpatterns = []
