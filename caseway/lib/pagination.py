from rest_framework import pagination


class CappedLimitOffsetPagination(pagination.LimitOffsetPagination):
    """DRF accepts any ``limit`` by default; past 2**63 the database refuses it and the request
    fails with a 500. Small pages also suit 2G. The project's default for every list endpoint."""

    default_limit = 50
    max_limit = 100
