"""URLs of the legal evidence pages, included in the ``legal`` namespace by ``legal/urls.py``."""

urlpatterns = []
