"""The casework supervision API (wired by casework/api_urls.py into /api/v1/)."""

urlpatterns = []
