from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from caseway.orgs.authentication import ApiTokenAuthentication

AUTHENTICATION_REQUIRED = _("Authentication required.")


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


def exception_handler(exc, context):
    """DRF's handler, with every authentication failure reduced to one bare 401.

    Missing, malformed, unknown, expired and revoked tokens, deactivated members and sessions
    without the second factor all get the same body and header, so a caller learns nothing about
    which one it was.
    """
    if isinstance(exc, (exceptions.AuthenticationFailed, exceptions.NotAuthenticated)):
        response = drf_exception_handler(exceptions.NotAuthenticated(AUTHENTICATION_REQUIRED), context)
        response.status_code = status.HTTP_401_UNAUTHORIZED
        response["WWW-Authenticate"] = ApiTokenAuthentication.keyword
        return response
    if isinstance(exc, Http404):
        # DRF would echo the message ("No Organization matches..."); not visible and missing
        # must read the same, whatever the model.
        exc = exceptions.NotFound()
    if isinstance(exc, RequestDataTooBig):
        # Django raises this when something read request.body first; unhandled it becomes
        # Django's HTML 400 page, which an API client cannot read.
        exc = RequestTooLarge()
    return drf_exception_handler(exc, context)
