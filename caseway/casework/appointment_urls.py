"""URLs of the casework appointment pages (included by casework/urls.py)."""

urlpatterns = []
