"""Object-scoped URLs of the indicators pages (see caseway/tests/object_urls.py)."""


def _organization_dashboard(personas):
    from caseway.tests.object_urls import ObjectCase

    return ObjectCase(personas.supervisor_a, personas.supervisor_b, {"pk": personas.org_a.pk})


OBJECT_URLS = {
    "indicators:organization": _organization_dashboard,
}
