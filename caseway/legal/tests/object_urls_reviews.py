"""Object-scoped URLs of the legal reviews pages (see caseway/tests/object_urls.py)."""

OBJECT_URLS = {}
