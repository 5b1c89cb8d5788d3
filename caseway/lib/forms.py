"""Between services and forms: a service's ValidationError shown on the form that was posted."""

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError, *, field_name=None) -> None:
    """Put ``error`` on the fields it names, and what names no field of ``form`` on the form itself.

    ``field_name`` maps a service's key to the form's field name when they differ (None: the form
    has no such field).
    """
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.error_dict.items():
        name = field_name(key) if field_name else key
        form.add_error(name if name in form.fields else None, messages)
