import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from caseway.lib.urls import row_url


def test_uuid_links_are_those_reverse_gives():
    link = row_url("directory:service_detail")
    for pk in (uuid.uuid4(), uuid.uuid4()):
        assert link(pk) == reverse("directory:service_detail", args=[pk])


def test_integer_links_are_those_reverse_gives():
    link = row_url("directory:organization_detail")
    for pk in (1, 42, 1000):
        assert link(pk) == reverse("directory:organization_detail", args=[pk])


def test_a_view_without_a_primary_key_is_refused():
    with pytest.raises(NoReverseMatch):
        row_url("directory:search")
