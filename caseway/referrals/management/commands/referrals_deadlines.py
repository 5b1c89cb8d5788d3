"""Show or set the network's referral answer times and escalation periods, per urgency."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from caseway.referrals import services
from caseway.referrals.escalation import sender_notice_hours
from caseway.referrals.models import Urgency

ACTOR_LABEL = "cli:referrals_deadlines"


def _pairs(values, option):
    found = {}
    for value in values or ():
        urgency, _sep, hours = value.partition("=")
        if urgency not in Urgency.values or not hours.isdigit():
            raise CommandError(f"{option} takes URGENCY=HOURS with URGENCY one of {', '.join(Urgency.values)}.")
        found[urgency] = int(hours)
    return found


class Command(BaseCommand):
    help = (
        "Show the network's answer time per urgency (past it, the receiver's supervisors are alerted) and the "
        "further period before the sender is told; --answer and --sender-notice set them (audited). A referral "
        "already sent keeps its deadline."
    )

    def add_arguments(self, parser):
        parser.add_argument("--answer", action="append", metavar="URGENCY=HOURS", help="e.g. --answer emergency=2")
        parser.add_argument(
            "--sender-notice", action="append", metavar="URGENCY=HOURS", help="e.g. --sender-notice normal=24"
        )

    def handle(self, *args, answer, sender_notice, **options):
        answers, notices = _pairs(answer, "--answer"), _pairs(sender_notice, "--sender-notice")
        for urgency in Urgency.values:
            if urgency not in answers and urgency not in notices:
                continue
            try:
                services.response_deadline_set(
                    actor=None,
                    urgency=urgency,
                    hours=answers.get(urgency),
                    sender_notice_hours=notices.get(urgency),
                    actor_label=ACTOR_LABEL,
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
        notice = sender_notice_hours()
        for urgency in Urgency:
            self.stdout.write(
                f"{urgency.value:<10} answer within {services.response_hours(urgency)} h; "
                f"sender told {notice[urgency]} h after the receiver's supervisors"
            )
