"""Background jobs of the audit app."""

from django.tasks import task

from caseway.audit.services import anchor_write


@task
def anchor_audit_chain() -> dict:
    """Anchor the chain head outside the database; schedule it (hourly or daily) with the worker."""
    return anchor_write()
