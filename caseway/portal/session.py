"""The portal's own session: who is signed in, since when, on whose device.

The portal shares Django's session store with the staff site but never its sign-in: starting a
portal session flushes whatever the browser held (a staff session included) and takes a new id.
It ends after ``PORTAL_IDLE_MINUTES`` without a request (``PORTAL_SHARED_IDLE_MINUTES`` on a device
the client said is not theirs), when the account is locked or its PIN reset (the account's
``generation`` changes), and at quick exit.
"""

import time

from django.conf import settings
from django.middleware.csrf import rotate_token

ACCOUNT = "portal_account"
GENERATION = "portal_generation"
LAST_SEEN = "portal_last_seen"
SHARED_DEVICE = "portal_shared_device"
EXPIRED = "portal_expired"
NUMBER_COOKIE = "portal_number"
PENDING = "portal_pending"  # the right PIN, waiting for the app's code
PENDING_SECONDS = 5 * 60
NEW_SECOND_LOCK = "portal_new_second_lock"


def start(request, account, *, shared_device: bool) -> None:
    """A new session (new id: no fixation) and a new CSRF secret, as Django's own login does."""
    request.session.flush()
    rotate_token(request)
    request.session[ACCOUNT] = str(account.pk)
    request.session[GENERATION] = account.generation
    request.session[LAST_SEEN] = time.time()
    request.session[SHARED_DEVICE] = bool(shared_device)


def end(request, *, expired=False) -> None:
    request.session.flush()
    if expired:
        request.session[EXPIRED] = True


def idle_limit(request) -> int:
    minutes = (
        settings.PORTAL_SHARED_IDLE_MINUTES if request.session.get(SHARED_DEVICE) else settings.PORTAL_IDLE_MINUTES
    )
    return minutes * 60


def is_shared_device(request) -> bool:
    return bool(request.session.get(SHARED_DEVICE))


def device_of(request) -> str:
    """A coarse word for the device, from the browser's own description: "phone" or "computer"."""
    agent = request.headers.get("User-Agent", "").lower()
    return "phone" if any(word in agent for word in ("mobile", "android", "iphone", "kaios")) else "computer"


def wait_for_code(request, account, *, shared_device: bool) -> None:
    request.session.flush()
    request.session[PENDING] = {"account": str(account.pk), "at": time.time(), "shared": bool(shared_device)}


def pending(request) -> dict | None:
    waiting = request.session.get(PENDING)
    if not waiting or time.time() - waiting.get("at", 0) > PENDING_SECONDS:
        return None
    return waiting
