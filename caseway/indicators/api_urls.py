"""The indicators API under /api/v1/ (names in the ``api`` namespace)."""

urlpatterns = []
