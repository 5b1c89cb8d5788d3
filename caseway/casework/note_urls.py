"""URLs of the casework note pages (included by casework/urls.py)."""

urlpatterns = []
