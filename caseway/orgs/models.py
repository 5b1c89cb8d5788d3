import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.orgs.permissions import Role, role_allows

country_code_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Use the two-letter ISO 3166-1 country code, for example KE or XA.")
)


class OrganizationType(models.TextChoices):
    UN_AGENCY = "un_agency", _("UN agency")
    INTERNATIONAL_NGO = "international_ngo", _("International NGO")
    NATIONAL_NGO = "national_ngo", _("National NGO")
    COMMUNITY_BASED = "community_based", _("Community-based organization")
    GOVERNMENT = "government", _("Government")
    LEGAL_CLINIC = "legal_clinic", _("Legal clinic")
    HEALTH_FACILITY = "health_facility", _("Health facility")
    FAITH_GROUP = "faith_group", _("Faith group")
    EMPLOYER = "employer", _("Employer")
    DONOR = "donor", _("Donor")
    OTHER = "other", _("Other")


class Organization(models.Model):
    """An organization of the network, or one known only from an imported directory (HSDS).

    The HSDS fields below are what the service directory publishes; ``hsds_id`` is the HSDS id.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    type = models.CharField(_("type"), max_length=32, choices=OrganizationType.choices)
    country = models.CharField(_("country"), max_length=2, blank=True, validators=[country_code_validator])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # HSDS 3.0 organization
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("email address"), blank=True)
    website = models.URLField(_("website"), blank=True, max_length=500)
    tax_status = models.CharField(max_length=100, blank=True)
    tax_id = models.CharField(max_length=100, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=200, blank=True)
    logo = models.URLField(blank=True, max_length=500)
    uri = models.URLField(blank=True, max_length=500)
    parent_organization = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="child_organizations"
    )
    last_modified = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self):
        return self.acronym or self.name


class Membership(models.Model):
    """A user's place in one organization, with the role that decides what they may do."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_user_and_organization")
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"

    def allows(self, action: str) -> bool:
        return self.is_active and role_allows(self.role, action)


class ApiToken(models.Model):
    """A key for the API, scoped to one membership (so to one organization and one role).

    Only a SHA-256 hash of the secret is stored: the token is shown once, when created.
    Tokens are long random strings, so a fast hash is enough (no dictionary to guess from).
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    def is_usable(self, now) -> bool:
        return (
            self.revoked_at is None
            and self.expires_at > now
            and self.membership.is_active
            and self.membership.organization.is_active
        )


class DataSharingAgreement(models.Model):
    """Which categories of personal data may flow between two organizations, for which purposes.

    Both directions: an agreement between A and B covers A → B and B → A. One side's admin
    proposes, the other side's admin accepts; it is in force between its dates once accepted.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("In force")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    proposer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="agreements_proposed", verbose_name=_("proposed by")
    )
    partner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="agreements_received", verbose_name=_("partner")
    )
    categories = models.JSONField(_("categories of data"), default=list)
    purposes = models.JSONField(_("purposes"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    signed_by_proposer = models.CharField(_("signed for the proposer by"), max_length=200)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    signed_by_partner = models.CharField(_("signed for the partner by"), max_length=200, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")
        indexes = [models.Index(fields=["proposer", "partner", "status"], name="orgs_agreement_parties")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(proposer=models.F("partner")), name="orgs_agreement_two_parties")
        ]

    def __str__(self):
        return f"{self.proposer} ↔ {self.partner} ({self.status})"
