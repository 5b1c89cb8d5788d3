"""URLs of the casework payment pages (included by casework/urls.py)."""

urlpatterns = []
