"""add_service_errors: a service's ValidationError on the posted form's fields, the rest on the form."""

from django import forms
from django.core.exceptions import ValidationError

from caseway.lib.forms import add_service_errors


class NameForm(forms.Form):
    name = forms.CharField()


def bound():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    return form


def test_it_puts_each_message_on_the_field_it_names():
    form = bound()
    add_service_errors(form, ValidationError({"name": ["Too short.", "Not allowed."], "other": "Elsewhere."}))
    assert form.errors["name"] == ["Too short.", "Not allowed."]
    assert form.non_field_errors() == ["Elsewhere."]  # no such field: the form's own
    assert "name" not in form.cleaned_data


def test_it_puts_a_message_without_a_field_on_the_form():
    form = bound()
    add_service_errors(form, ValidationError(["First.", "Second."]))
    assert form.non_field_errors() == ["First.", "Second."]


def test_it_maps_service_keys_to_form_fields():
    form = bound()
    add_service_errors(form, ValidationError({"given": "Give a name."}), field_name={"given": "name"}.get)
    assert form.errors["name"] == ["Give a name."]
