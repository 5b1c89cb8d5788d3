"""The tamper-evident audit log. ``audit.record(...)`` is the one way to write to it."""


def record(actor, action, target=None, **kwargs):
    """Append one event to the hash chain; see caseway.audit.services.record."""
    from caseway.audit.services import record as record_event

    return record_event(actor, action, target, **kwargs)
