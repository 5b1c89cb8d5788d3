"""Object-scoped URLs of the legal analytics pages (see caseway/tests/object_urls.py)."""

OBJECT_URLS = {}
