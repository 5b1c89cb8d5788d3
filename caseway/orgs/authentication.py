from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from caseway.orgs.services import api_token_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer cw_...``. Sets the request's membership to the token's own.

    Every failure answers the same 401 (no hint whether the token exists, expired or was revoked).
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
        request._request.membership = token.membership
        request._request.api_token = token
        return token.membership.user, token

    def authenticate_header(self, request):
        return self.keyword
