"""URLs of the casework plan pages (included by casework/urls.py)."""

urlpatterns = []
