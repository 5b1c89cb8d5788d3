from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from caseway.accounts.services import recently_reauthenticated


def reauthentication_required(view):
    """Asks for password and second factor again when the last proof is older than REAUTH_MAX_AGE."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not recently_reauthenticated(request, settings.REAUTH_MAX_AGE):
            return redirect(f"{reverse('accounts:reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
