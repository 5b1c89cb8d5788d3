"""SQL expressions shared by the casework queries (home page, caseloads): one rule for "follow-up due".

A case's follow-up falls due its plan's ``follow_up_days`` after the last contact, or after the
opening when nobody has been in contact yet; a case without a plan has no follow-up date (NULL).
"""

from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Func
from django.db.models.functions import Coalesce


class Days(Func):
    """A whole number of days as a duration, on both databases (SQLite keeps microseconds)."""

    template = "make_interval(days => %(expressions)s)"
    output_field = DurationField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s * 86400000000)", **extra)


def last_contact():
    """The case's last contact, or its opening when there was none."""
    return Coalesce(F("last_contact_at"), F("opened_at"))


def follow_up_due():
    """When the case's next follow-up is due (NULL without a plan)."""
    return ExpressionWrapper(last_contact() + Days(F("plan__follow_up_days")), output_field=DateTimeField())
