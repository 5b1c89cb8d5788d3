"""The referral state machine: which status may follow which, and which side may move it.

draft → sent → viewed → accepted / declined → in service → completed, or closed unsuccessful;
the sender may withdraw an open referral; a consent revocation stops it (revoked).
Anything else is refused with ``InvalidTransition``.
"""

from django.utils.translation import gettext as _

from caseway.referrals.models import Status

SENDER, RECEIVER, SYSTEM = "sender", "receiver", "system"

# (from, to) → the side allowed to make that move.
TRANSITIONS = {
    (Status.DRAFT, Status.SENT): SENDER,
    (Status.DRAFT, Status.WITHDRAWN): SENDER,
    (Status.SENT, Status.VIEWED): RECEIVER,
    (Status.SENT, Status.ACCEPTED): RECEIVER,
    (Status.SENT, Status.DECLINED): RECEIVER,
    (Status.VIEWED, Status.ACCEPTED): RECEIVER,
    (Status.VIEWED, Status.DECLINED): RECEIVER,
    (Status.ACCEPTED, Status.IN_SERVICE): RECEIVER,
    (Status.ACCEPTED, Status.CLOSED_UNSUCCESSFUL): RECEIVER,
    (Status.IN_SERVICE, Status.COMPLETED): RECEIVER,
    (Status.IN_SERVICE, Status.CLOSED_UNSUCCESSFUL): RECEIVER,
    (Status.SENT, Status.WITHDRAWN): SENDER,
    (Status.VIEWED, Status.WITHDRAWN): SENDER,
    (Status.ACCEPTED, Status.WITHDRAWN): SENDER,
}
OPEN = frozenset({Status.DRAFT, Status.SENT, Status.VIEWED, Status.ACCEPTED, Status.IN_SERVICE})
AWAITING_ANSWER = frozenset({Status.SENT, Status.VIEWED})
FINAL = frozenset({Status.DECLINED, Status.COMPLETED, Status.CLOSED_UNSUCCESSFUL, Status.WITHDRAWN, Status.REVOKED})
# Consent revoked: every referral still open stops, whoever holds it.
for _status in OPEN:
    TRANSITIONS[(_status, Status.REVOKED)] = SYSTEM


class InvalidTransition(Exception):
    """A move the state machine does not allow; the message is for people."""


def check(current: str, target: str, side: str) -> None:
    allowed_side = TRANSITIONS.get((current, target))
    if allowed_side is None:
        raise InvalidTransition(
            _("A referral that is “%(current)s” cannot become “%(target)s”.")
            % {"current": Status(current).label, "target": Status(target).label}
        )
    if allowed_side != side:
        raise InvalidTransition(_("Only the other organization can make this change."))


def next_statuses(current: str, side: str) -> list[str]:
    return [target for (source, target), who in TRANSITIONS.items() if source == current and who == side]
