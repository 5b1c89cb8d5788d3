"""Referrals for tests, made through the real services (real consent, agreements, vault)."""

__all__ = ["EVERY_CATEGORY", "an_agreement"]

from caseway.clients.models import ConsentPurpose, DataCategory
from caseway.clients.tests.factories import a_case, give_consent
from caseway.orgs.tests.agreement_factories import EVERY_CATEGORY, an_agreement
from caseway.referrals import services
from caseway.referrals.models import Outcome, Status, Urgency

IDENTITY_AND_NEEDS = (DataCategory.IDENTITY, DataCategory.NEEDS)


def member(user):
    return user.memberships.select_related("organization").get()


def consent_to_refer(case, receiver, categories=IDENTITY_AND_NEEDS, *, by=None, referral=True):
    """The client agrees to be referred to ``receiver`` and to share ``categories`` with it."""
    recorder = by or member(case.caseworker)
    answers = []
    if referral:
        answers.append(give_consent(case.client, ConsentPurpose.REFERRAL, recorded_by=recorder, recipient=receiver))
    if categories:
        answers.append(
            give_consent(
                case.client, ConsentPurpose.SHARING, recorded_by=recorder, recipient=receiver, categories=categories
            )
        )
    return answers


def a_sender_case(personas, **values):
    values.setdefault("given_name", "Amina")
    values.setdefault("family_name", "Haddad")
    values.setdefault("phone", "+999 700 100 200")
    return a_case(member(personas.caseworker_a), **values)


def a_draft(personas, *, case=None, categories=IDENTITY_AND_NEEDS, sender=None, receiver=None, **values):
    sender = sender or personas.caseworker_a
    case = case or a_sender_case(personas)
    values.setdefault("urgency", Urgency.NORMAL)
    values.setdefault("reason", "Needs legal counselling about civil documents.")
    return services.referral_create(
        actor=sender,
        membership=member(sender),
        case=case,
        to_organization=receiver or personas.org_b,
        categories=categories,
        **values,
    )


def ready_to_send(personas, *, categories=IDENTITY_AND_NEEDS, **values):
    """A draft from org A to org B whose gate is open: consent and an agreement for ``categories``."""
    case = values.pop("case", None) or a_sender_case(personas)
    an_agreement(personas.org_a, personas.org_b)
    consent_to_refer(case, personas.org_b, categories, by=member(personas.caseworker_a))
    return a_draft(personas, case=case, categories=categories, **values)


def a_referral(personas, status=Status.SENT, *, categories=IDENTITY_AND_NEEDS, **values):
    """A referral from org A to org B moved through the real services to ``status``."""
    referral = ready_to_send(personas, categories=categories, **values)
    sender, receiver = member(personas.caseworker_a), member(personas.caseworker_b)
    cw_a, cw_b = personas.caseworker_a, personas.caseworker_b
    if status == Status.DRAFT:
        return referral
    if status == Status.WITHDRAWN:
        return services.referral_withdraw(actor=cw_a, membership=sender, referral=referral)
    referral = services.referral_send(actor=cw_a, membership=sender, referral=referral)
    if status == Status.SENT:
        return referral
    if status == Status.REVOKED:
        from caseway.clients import consent

        answer = referral.client.consents.get(purpose=ConsentPurpose.REFERRAL, recipient=personas.org_b)
        consent.consent_revoke(actor=cw_a, membership=sender, consent=answer)
        referral.refresh_from_db()
        return referral
    referral = services.referral_view(actor=cw_b, membership=receiver, referral=referral)
    if status == Status.VIEWED:
        return referral
    if status == Status.DECLINED:
        return services.referral_decline(actor=cw_b, membership=receiver, referral=referral, reason="no_capacity")
    referral = services.referral_accept(actor=cw_b, membership=receiver, referral=referral)
    if status == Status.ACCEPTED:
        return referral
    if status == Status.CLOSED_UNSUCCESSFUL:
        return services.referral_close_unsuccessful(
            actor=cw_b, membership=receiver, referral=referral, reason="client_unreachable"
        )
    referral = services.referral_start_service(actor=cw_b, membership=receiver, referral=referral)
    if status == Status.IN_SERVICE:
        return referral
    return services.referral_complete(
        actor=cw_b,
        membership=receiver,
        referral=referral,
        outcome=Outcome.SERVICE_PROVIDED,
        outcome_note="Attended six sessions.",
    )
