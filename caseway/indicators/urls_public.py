"""The public transparency page at /transparency/ (``transparency`` namespace): no sign-in."""

app_name = "transparency"

urlpatterns = []
