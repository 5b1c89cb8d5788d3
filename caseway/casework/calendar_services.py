"""The week calendar and the personal iCalendar feed of a staff member.

The calendar shows client **codes** only, never names: it is glanced at on a phone in a field
office. The feed goes further, since a calendar application copies it to other devices and
servers: kind, time, client code and status only. The place is left out on purpose (it may be a
home or a shelter that locates the client), and so are childcare and transport details.

A feed is a secret URL: its token is shown once and only its SHA-256 is kept; one live feed per
membership (making a new one revokes the old one). A revoked or unknown token answers the same
404. A feed stops answering when its membership is deactivated or loses access to personal data.
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from caseway import audit
from caseway.casework.models import Appointment, CalendarFeed
from caseway.clients import access as client_access
from caseway.clients.models import Client
from caseway.orgs.permissions import Action

TOKEN_BYTES = 32
FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 180
FEED_MAX_EVENTS = 2000
# A read of the feed is audited at most once in this period (calendar apps poll every few minutes).
READ_AUDIT_INTERVAL = datetime.timedelta(hours=1)
PRODID = "-//Caseway//Appointments//EN"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# The week


def week_start(value: str | None, today: datetime.date) -> datetime.date:
    """The Monday of ISO week ``value`` (``YYYY-Www``), or of ``today``'s week when absent or wrong."""
    if value:
        try:
            year, week = value.split("-W")
            return datetime.date.fromisocalendar(int(year), int(week), 1)
        except ValueError:
            pass
    return today - datetime.timedelta(days=today.weekday())


def iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def week_appointments(membership, monday: datetime.date, *, whole_organization=False):
    """Appointments from ``monday`` 00:00 to the next Monday 00:00 on the current clock (one query).

    The member's own (``staff``), or every appointment of the organization when
    ``whole_organization`` and the member supervises. Rows carry ``client_code``; the client row
    itself (its encrypted identity) is never loaded.
    """
    start, end = _local_midnight(monday), _local_midnight(monday + datetime.timedelta(days=7))
    rows = Appointment.objects.filter(
        client_access.of_visible_case(membership),
        starts_at__gte=start,
        starts_at__lt=end,
    )
    if not (whole_organization and membership.allows(Action.SUPERVISE_CASES)):
        rows = rows.filter(staff_id=membership.user_id)
    return (
        rows.annotate(client_code=F("case__client__code"))
        .select_related("staff")
        .defer("place_sealed", "childcare_where_sealed")
        .order_by("starts_at", "pk")
    )


def week_days(monday: datetime.date, appointments) -> list[dict]:
    """Seven days, each with its appointments (already in start order) on the current clock."""
    days = [{"date": monday + datetime.timedelta(days=offset), "appointments": []} for offset in range(7)]
    for appointment in appointments:
        local = timezone.localtime(appointment.starts_at).date()
        index = (local - monday).days
        if 0 <= index < 7:
            days[index]["appointments"].append(appointment)
    return days


# ---------------------------------------------------------------------------------------------
# Feeds


def live_feed(membership):
    return CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True).first()


def calendar_feed_create(*, actor, membership, request=None) -> tuple[CalendarFeed, str]:
    """A new secret feed URL token for ``membership`` (shown once); an older live feed is revoked."""
    if not membership.is_active or not membership.allows(Action.VIEW_PERSONAL_DATA):
        raise PermissionDenied
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    with transaction.atomic():
        for old in CalendarFeed.objects.select_for_update().filter(membership=membership, revoked_at__isnull=True):
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
            audit.record(actor, "casework.calendar_feed_revoked", old, fields=["revoked_at"], request=request)
        feed = CalendarFeed.objects.create(membership=membership, token_sha256=hash_token(token), created_at=now)
        audit.record(
            actor,
            "casework.calendar_feed_created",
            feed,
            fields=["token_sha256"],
            organization=membership.organization_id,
            request=request,
        )
    return feed, token


def calendar_feed_revoke(*, actor, membership, request=None) -> bool:
    """Revoke ``membership``'s live feed; False when there was none."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(membership=membership, revoked_at__isnull=True).first()
        if feed is None:
            return False
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit.record(
            actor,
            "casework.calendar_feed_revoked",
            feed,
            fields=["revoked_at"],
            organization=membership.organization_id,
            request=request,
        )
    return True


def feed_for_token(token: str):
    """The live feed of ``token`` whose membership may still see personal data, else None."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("membership", "membership__user", "membership__organization")
        .filter(token_sha256=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        return None
    membership = feed.membership
    if not membership.is_active or not membership.user.is_active:
        return None
    if not membership.allows(Action.VIEW_PERSONAL_DATA):
        return None
    return feed


def feed_read(feed, *, request=None, now=None) -> None:
    """Note a read of ``feed``: ``last_read_at`` and an audit event, at most once per ``READ_AUDIT_INTERVAL``."""
    now = now or timezone.now()
    if feed.last_read_at is not None and now - feed.last_read_at < READ_AUDIT_INTERVAL:
        return
    with transaction.atomic():
        updated = (
            CalendarFeed.objects.filter(pk=feed.pk)
            .exclude(last_read_at__gt=now - READ_AUDIT_INTERVAL)
            .update(last_read_at=now)
        )
        if updated:
            audit.record(
                feed.membership.user,
                "casework.calendar_feed_read",
                feed,
                fields=["appointments.kind", "appointments.starts_at", "appointments.ends_at", "client.code"],
                organization=feed.membership.organization_id,
                request=request,
            )
    feed.last_read_at = now


def feed_appointments(membership, *, now=None):
    """The member's appointments from ``FEED_DAYS_BACK`` days ago to ``FEED_DAYS_AHEAD`` ahead (one query)."""
    now = now or timezone.now()
    erased = Client.objects.filter(erased_at__isnull=False).values("pk")
    return (
        Appointment.objects.filter(
            staff_id=membership.user_id,
            case__organization_id=membership.organization_id,
            starts_at__gte=now - datetime.timedelta(days=FEED_DAYS_BACK),
            starts_at__lt=now + datetime.timedelta(days=FEED_DAYS_AHEAD),
        )
        .exclude(case__client_id__in=erased)
        .annotate(client_code=F("case__client__code"))
        .only("pk", "kind", "mode", "status", "starts_at", "ends_at", "created_at", "case_id")
        .order_by("starts_at", "pk")[:FEED_MAX_EVENTS]
    )


STATUS_OF = {
    Appointment.Status.SCHEDULED: "CONFIRMED",
    Appointment.Status.ATTENDED: "CONFIRMED",
    Appointment.Status.NO_SHOW: "CONFIRMED",
    Appointment.Status.CANCELLED: "CANCELLED",
    Appointment.Status.RESCHEDULED: "CANCELLED",
}


def feed_ics(membership, appointments, *, host="caseway", now=None) -> bytes:
    """The iCalendar text of ``appointments``: times in UTC (right across daylight-saving changes
    whatever the reader's zone), the kind and the client's code, never a name, place or note."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Appointments"))
    for appointment in appointments:
        event = Event()
        event.add("uid", f"appointment-{appointment.pk}@{host}")
        event.add("dtstamp", now.astimezone(datetime.UTC))
        event.add("dtstart", appointment.starts_at.astimezone(datetime.UTC))
        event.add("dtend", appointment.ends_at.astimezone(datetime.UTC))
        event.add("summary", f"{appointment.get_kind_display()} · {appointment.client_code}")
        event.add("status", STATUS_OF[appointment.status])
        event.add("transp", "OPAQUE")
        event.add("class", "PRIVATE")
        event.add("description", appointment.get_mode_display())
        calendar.add_component(event)
    return calendar.to_ical()
