"""Object-scoped URLs of the indicators pages (see caseway/tests/object_urls.py)."""

OBJECT_URLS = {}
