from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from caseway.orgs.services import api_token_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer cw_...``. Sets the request's membership to the token's own.

    Every failure answers the same 401 (no hint whether the token exists, expired or was revoked).
    A request that presents a bearer token is judged by it alone: a bad token is never rescued by
    a session cookie sent along with it.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authentication failed."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Authentication failed.")) from None
        token = api_token_authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Authentication failed."))
        # The token acts for one organization only, even when its owner belongs to several; the
        # middleware filled these from the session (if any), which must not leak into this request.
        request._request.membership = token.membership
        request._request.memberships = [token.membership]
        request._request.api_token = token
        user = token.membership.user
        # Code written for browser sessions (the shell context, the 500 page) asks whether the second
        # factor was passed, which django-otp only answers for session users; a token never passes it.
        user.otp_device = None
        user.is_verified = lambda: False
        return user, token

    def authenticate_header(self, request):
        return self.keyword
