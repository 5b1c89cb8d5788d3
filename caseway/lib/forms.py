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


def errors_as_messages(request, form=None, error: ValidationError | None = None) -> None:
    """A small form posted from a page that is not its own: its errors (named by their field's
    label) and a service's, as messages on the page the user goes back to."""
    from django.contrib import messages

    if form is not None:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for message in errors:
                messages.error(request, f"{label}: {message}" if label else message)
    if error is not None:
        for message in error.messages:
            messages.error(request, message)
