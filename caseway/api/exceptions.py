from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, with every authentication failure reduced to a bare 401."""
    if isinstance(exc, (exceptions.AuthenticationFailed, exceptions.NotAuthenticated)):
        response = drf_exception_handler(exceptions.NotAuthenticated(), context)
        if response is not None:
            response.status_code = status.HTTP_401_UNAUTHORIZED
            response.data = {"detail": "Authentication required."}
        return response
    return drf_exception_handler(exc, context)
