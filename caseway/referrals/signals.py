"""What the clients app's changes mean for referrals. Connected in ``ReferralsConfig.ready``.

A case erased (``clients.erasure.case_erasing``, inside the erasure's transaction): its referrals
are settled, not deleted with it (``services.referrals_settle_for_erased_case``).

Consent revoked or refused → the client's open referrals to that organization stop at once. When
a referral consent answer is saved (a new refusal, or an agreement withdrawn) and the client no
longer agrees to be referred to that organization, every open referral of theirs to it becomes
"revoked" in the same transaction, with an event and an audit record. What the receiver sees of
the client stops by itself: ``clients.access`` and ``referrals.access`` ask consent at every read.
"""

from django.db.models.signals import post_save

from caseway.clients import consent
from caseway.clients.erasure import case_erasing
from caseway.clients.models import Consent, ConsentPurpose


def settle_referrals_of_erased_case(sender, case, organization_id, actor, now, **kwargs):
    from caseway.referrals.services import referrals_settle_for_erased_case

    referrals_settle_for_erased_case(actor=actor, case=case, now=now)


def stop_referrals_on_revocation(sender, instance: Consent, created=False, raw=False, **kwargs):
    if raw:
        return
    if instance.purpose != ConsentPurpose.REFERRAL:
        return
    if instance.recipient_id is None:
        return
    if instance.granted and instance.revoked_at is None:
        return  # a new agreement stops nothing
    if consent.allows(instance.client_id, ConsentPurpose.REFERRAL, instance.recipient_id):
        return  # a newer agreement still stands
    from caseway.referrals.services import referrals_revoke_for_consent

    referrals_revoke_for_consent(
        actor=instance.revoked_by if instance.revoked_at is not None else instance.recorded_by,
        client_id=instance.client_id,
        organization_id=instance.recipient_id,
    )


def connect():
    post_save.connect(stop_referrals_on_revocation, sender=Consent, dispatch_uid="referrals_stop_on_revocation")
    case_erasing.connect(settle_referrals_of_erased_case, dispatch_uid="referrals_settle_erased_case")
