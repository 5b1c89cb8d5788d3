"""Object-scoped URLs of the legal evidence pages (see caseway/tests/object_urls.py)."""

OBJECT_URLS = {}
