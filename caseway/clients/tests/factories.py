"""Clients and cases for tests, through the real vault (real keys, real ciphertext)."""

import hashlib

from django.db.models import Max
from django.utils import timezone

from caseway.clients.models import AgeBand, Case, Consent, ConsentPurpose, ConsentWording, Sex
from caseway.clients.services import client_register
from caseway.directory.models import AdminArea
from caseway.directory.tests.factories import Admin2Factory


def an_area() -> AdminArea:
    """A district (admin 2) of the fictional test country."""
    return AdminArea.objects.filter(level=AdminArea.Level.ADMIN2).first() or Admin2Factory()


def a_wording(purpose=ConsentPurpose.SERVICES, language="en", text=None) -> ConsentWording:
    text = text or f"Test wording for {purpose}."
    digest = hashlib.sha256(text.encode()).hexdigest()
    wording = ConsentWording.objects.filter(sha256=digest).first()
    if wording is None:
        # The next version: the shipped wordings (consent.wording_for) may already hold version 1.
        latest = ConsentWording.objects.filter(purpose=purpose, language=language).aggregate(Max("version"))
        wording = ConsentWording.objects.create(
            sha256=digest, purpose=purpose, version=(latest["version__max"] or 0) + 1, language=language, text=text
        )
    return wording


def a_case(membership, *, actor=None, sensitive=False, **values) -> Case:
    """A registered client with a case at ``membership``'s organization, consenting to services."""
    values.setdefault("sex", Sex.FEMALE)
    values.setdefault("age_band", AgeBand.AGE_25_59)
    values.setdefault("admin_area", an_area())
    case = client_register(
        actor=actor or membership.user,
        membership=membership,
        values=values,
        sensitivity=Case.Sensitivity.SENSITIVE if sensitive else Case.Sensitivity.STANDARD,
    )
    give_consent(case.client, ConsentPurpose.SERVICES, recorded_by=membership, recipient=membership.organization)
    return case


def give_consent(
    client, purpose, *, recorded_by, recipient=None, categories=(), granted=True, expires_at=None, **extra
):
    wording = a_wording(purpose)
    return Consent.objects.create(
        client=client,
        purpose=purpose,
        granted=granted,
        recorded_by_organization_id=recorded_by.organization_id,
        recipient=recipient,
        categories=list(categories),
        method=Consent.Method.VERBAL,
        wording=wording,
        wording_sha256=wording.sha256,
        recorded_by=recorded_by.user,
        recorded_at=extra.pop("recorded_at", timezone.now()),
        expires_at=expires_at,
        **extra,
    )
