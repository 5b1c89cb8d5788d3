"""The API's answer to a service's ``ValidationError``: the same messages, as DRF's 400 body."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions


def api_validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """``{field: [messages]}``, or ``{"non_field_errors": [messages]}`` for an error without fields."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError({name: [str(m) for m in messages] for name, messages in error})
    return exceptions.ValidationError({"non_field_errors": [str(message) for message in error.messages]})
