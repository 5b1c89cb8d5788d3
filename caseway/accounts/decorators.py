from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _

from caseway.accounts.services import recently_reauthenticated

SAFE_METHODS = ("GET", "HEAD")


def reauthentication_required(view=None, *, return_to=None):
    """Asks for password and second factor again when the last proof is older than REAUTH_MAX_AGE.

    After the proof the browser comes back to the page it asked for. A form sent with POST cannot
    be replayed after that detour (a redirect is always a GET, and POST-only views answer 405),
    so for a POST the user comes back to ``return_to`` instead: the URL name of the page holding
    the form, reversed with the view's own keyword arguments. They send the form again from there.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if recently_reauthenticated(request, settings.REAUTH_MAX_AGE):
                return view(request, *args, **kwargs)
            if request.method in SAFE_METHODS:
                back = request.get_full_path()
            else:
                back = (
                    reverse(return_to, kwargs=kwargs or None) if return_to else resolve_url(settings.LOGIN_REDIRECT_URL)
                )
                messages.info(request, _("Confirm it is you, then do it again."))
            return redirect(f"{reverse('accounts:reauthenticate')}?{urlencode({'next': back})}")

        return wrapper

    if view is not None:
        return decorator(view)
    return decorator
