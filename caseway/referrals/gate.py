"""The gate every referral passes before anything leaves: the client's consent AND an agreement.

For a referral from organization A to organization B carrying some data categories:

- the client agrees to be referred to B (consent purpose REFERRAL, recipient B), and
- the client agrees to share each category with B (consent purpose SHARING, recipient B), and
- a data-sharing agreement in force between A and B covers referrals, and each category.

A supervisor may override *missing* consent with a reason (never a missing agreement, and never
an explicit "no": a refusal or a withdrawal stands). ``check`` answers every question at once so
the form can show, per category, what is agreed; ``problems`` words what is missing.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from caseway.clients import consent
from caseway.clients.models import Consent, ConsentPurpose, DataCategory
from caseway.orgs.agreements import agreements_in_force
from caseway.orgs.categories import SharingPurpose


def _pk(value):
    return getattr(value, "pk", value)


def covers(answer: Consent, category) -> bool:
    """Whether ``answer`` answers the question for ``category`` (same rule as ``consent.allows``)."""
    if category is None:
        return True
    if not answer.granted and not answer.categories:
        return True  # a refusal naming no category refuses them all
    return category in answer.categories


def _answers(client_id, purpose, organization_id):
    return list(
        Consent.objects.filter(client_id=client_id, purpose=purpose, recipient_id=organization_id).order_by(
            "-recorded_at", "-pk"
        )
    )


def sharing_answers(client_id, organization_id) -> list[Consent]:
    """Every sharing answer the client gave about ``organization_id``, newest first."""
    return _answers(client_id, ConsentPurpose.SHARING, organization_id)


def _deciding(answers, category, at):
    # consent.py keeps this private; the same rule, so that a refusal can be told from silence.
    for answer in answers:
        if answer.recorded_at > at:
            continue
        if not covers(answer, category):
            continue
        return answer
    return None


def _said_no(answer, at) -> bool:
    """An explicit no: a refusal, or an agreement withdrawn. An expired one is only missing."""
    if answer is None:
        return False
    if not answer.granted:
        return True
    return answer.revoked_at is not None and answer.revoked_at <= at


@dataclass(frozen=True)
class CategoryCheck:
    category: str
    consented: bool
    refused: bool
    agreed: bool

    @property
    def label(self) -> str:
        return str(DataCategory(self.category).label)


@dataclass(frozen=True)
class Gate:
    receiver_name: str
    sender_name: str
    referral_consented: bool
    referral_refused: bool
    agreement_in_force: bool
    categories: tuple

    @property
    def by_category(self) -> dict:
        return {check.category: check for check in self.categories}

    @property
    def agreement_gaps(self) -> list[str]:
        return [check.category for check in self.categories if not check.agreed]

    @property
    def consent_gaps(self) -> list[str]:
        """Categories the client has not agreed to share (refused or never asked)."""
        return [check.category for check in self.categories if not check.consented]

    @property
    def refused(self) -> list[str]:
        return [check.category for check in self.categories if check.refused]

    @property
    def consent_missing(self) -> bool:
        return not self.referral_consented or bool(self.consent_gaps)

    @property
    def consent_refused(self) -> bool:
        """Something the client said no to: no override can send it."""
        return self.referral_refused or bool(self.refused)

    @property
    def agreement_missing(self) -> bool:
        return not self.agreement_in_force or bool(self.agreement_gaps)

    @property
    def open(self) -> bool:
        return not self.consent_missing and not self.agreement_missing

    def _labels(self, categories) -> str:
        return ", ".join(str(DataCategory(category).label) for category in categories)

    def agreement_problems(self) -> list[str]:
        names = {"sender": self.sender_name, "receiver": self.receiver_name}
        if not self.agreement_in_force:
            return [
                _(
                    "No data-sharing agreement for referrals is in force between %(sender)s and %(receiver)s. "
                    "Your agency admin can propose one; no one can override this."
                )
                % names
            ]
        if self.agreement_gaps:
            return [
                _(
                    "The data-sharing agreement with %(receiver)s does not cover: %(categories)s. Leave this "
                    "information out, or ask your agency admin to extend the agreement."
                )
                % {**names, "categories": self._labels(self.agreement_gaps)}
            ]
        return []

    def consent_problems(self) -> list[str]:
        names = {"receiver": self.receiver_name}
        problems = []
        if self.referral_refused:
            problems.append(_("The client said no to being referred to %(receiver)s.") % names)
        elif not self.referral_consented:
            problems.append(
                _("The client has not agreed to be referred to %(receiver)s: record their consent first.") % names
            )
        if self.refused:
            problems.append(
                _("The client said no to sharing this information with %(receiver)s: %(categories)s.")
                % {**names, "categories": self._labels(self.refused)}
            )
        missing = [category for category in self.consent_gaps if category not in self.refused]
        if missing:
            problems.append(
                _(
                    "The client has not agreed to share this information with %(receiver)s: %(categories)s. "
                    "Record their consent, or leave it out."
                )
                % {**names, "categories": self._labels(missing)}
            )
        return problems


def check(*, client, sender, receiver, categories, at=None) -> Gate:
    """Every question of the gate for sending ``categories`` of ``client`` from ``sender`` to ``receiver``."""
    at = at or timezone.now()
    client_id, receiver_id = _pk(client), _pk(receiver)
    referral_answer = _deciding(_answers(client_id, ConsentPurpose.REFERRAL, receiver_id), None, at)
    sharing = sharing_answers(client_id, receiver_id)
    agreements = [
        agreement
        for agreement in agreements_in_force(sender, receiver, on=timezone.localdate(at))
        if SharingPurpose.REFERRAL in agreement.purposes
    ]
    agreed = {category for agreement in agreements for category in agreement.categories}
    checks = []
    for category in sorted(set(categories)):
        answer = _deciding(sharing, category, at)
        checks.append(
            CategoryCheck(
                category=category,
                consented=answer is not None and consent.in_force(answer, at),
                refused=_said_no(answer, at),
                agreed=category in agreed,
            )
        )
    return Gate(
        receiver_name=getattr(receiver, "name", str(receiver_id)),
        sender_name=getattr(sender, "name", str(_pk(sender))),
        referral_consented=referral_answer is not None and consent.in_force(referral_answer, at),
        referral_refused=_said_no(referral_answer, at),
        agreement_in_force=bool(agreements),
        categories=tuple(checks),
    )
