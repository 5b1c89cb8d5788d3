import time

from django.utils.cache import add_never_cache_headers

from caseway.portal import session
from caseway.portal.models import PortalAccount

PREFIX = "/portal/"


class PortalSessionMiddleware:
    """Under /portal/: ``request.portal_account`` (or None), idle timeout, and nothing cached anywhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        request.portal_account = self._account(request)
        response = self.get_response(request)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def _account(self, request):
        account_id = request.session.get(session.ACCOUNT)
        if not account_id:
            return None
        now = time.time()
        if now - request.session.get(session.LAST_SEEN, 0) > session.idle_limit(request):
            session.end(request, expired=True)
            return None
        account = (
            PortalAccount.objects.select_related("client", "case")
            .filter(
                pk=account_id,
                status=PortalAccount.Status.ACTIVE,
                generation=request.session.get(session.GENERATION, ""),
                client__erased_at__isnull=True,
            )
            .first()
        )
        if account is None:
            session.end(request)
            return None
        if now - request.session[session.LAST_SEEN] > 30:  # one session write every half minute at most
            request.session[session.LAST_SEEN] = now
        return account
