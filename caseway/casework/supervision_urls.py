"""URLs of the casework supervision pages (included by casework/urls.py)."""

urlpatterns = []
