"""Shared by the consent page tests: URLs and a valid answer."""

from django.urls import reverse

from caseway.clients import consent

WRONG_ROLES = ["admin_a", "monitor_a"]


def list_url(case):
    return reverse("clients:consent_list", kwargs={"client_pk": case.client_id})


def new_url(case, purpose="", language="en"):
    base = reverse("clients:consent_new", kwargs={"client_pk": case.client_id})
    return f"{base}?purpose={purpose}&language={language}" if purpose else base


def revoke_url(answer):
    return reverse("clients:consent_revoke", kwargs={"client_pk": answer.client_id, "pk": answer.pk})


def answer_data(purpose, language="en", **extra):
    return {
        "wording_sha256": consent.text_digest(consent.shipped_text(purpose, language)),
        "granted": "yes",
        "given_by": "client",
        "method": "verbal",
        **extra,
    }
