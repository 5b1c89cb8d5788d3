"""Links for every row of a list, reversed once."""

import uuid
from collections.abc import Callable

from django.urls import NoReverseMatch, reverse

# Values no real primary key takes, one per path converter Caseway uses (uuid, int).
_SENTINELS = (uuid.UUID("f0f0f0f0-f0f0-4f0f-8f0f-f0f0f0f0f0f0"), 918273645546372819)


def row_url(viewname: str) -> Callable[[object], str]:
    """``reverse(viewname, args=[pk])`` as a function of ``pk``, reversing only once.

    ``reverse`` costs about a tenth of a millisecond: a list of 25 rows with two links each spent a
    tenth of its server time in it.
    """
    for sentinel in _SENTINELS:
        try:
            url = reverse(viewname, args=[sentinel])
        except NoReverseMatch:
            continue
        head, tail = url.split(str(sentinel))
        return lambda pk: f"{head}{pk}{tail}"
    raise NoReverseMatch(f"{viewname} takes neither a UUID nor an integer")
