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


# What ``submit`` returns when the form or the service said no (a service may return None).
NOT_DONE = object()


def submit(request, form, service, **target):
    """A posted ``form`` handed to ``service`` as the request's user and membership: the service's
    result, or ``NOT_DONE`` with the form's or the service's errors on the form (any request that
    is not a POST is ``NOT_DONE`` too)."""
    if request.method != "POST" or not form.is_valid():
        return NOT_DONE
    try:
        return service(
            actor=request.user, membership=request.membership, request=request, **target, **form.cleaned_data
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return NOT_DONE
