"""Clients: the pseudonymous record, its encrypted identity, cases, consent, assessments, safety.

Only what statistics need stays in clear (sex, age band, area, displacement, disability,
languages, household). Everything that identifies a person is encrypted under the client's own
data key (``vault.DataKey``): destroying that key erases the person from every copy.
Exact lookups (search, duplicate check) go through keyed blind indexes in ``ClientIndex``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.directory.models import AdminArea
from caseway.orgs.categories import DataCategory
from caseway.orgs.models import Organization
from caseway.vault.fields import EncryptedJSONField, EncryptedTextField


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


class AgeBand(models.TextChoices):
    # The indicators' default bands (issue: common indicators); a band, never a birth date, in clear.
    AGE_0_4 = "0-4", _("0–4 years")
    AGE_5_11 = "5-11", _("5–11 years")
    AGE_12_17 = "12-17", _("12–17 years")
    AGE_18_24 = "18-24", _("18–24 years")
    AGE_25_59 = "25-59", _("25–59 years")
    AGE_60_PLUS = "60+", _("60 years or more")

    @classmethod
    def for_age(cls, age: int) -> "AgeBand":
        for band, upper in ((cls.AGE_0_4, 4), (cls.AGE_5_11, 11), (cls.AGE_12_17, 17), (cls.AGE_18_24, 24)):
            if age <= upper:
                return band
        return cls.AGE_25_59 if age <= 59 else cls.AGE_60_PLUS

    @property
    def is_minor(self) -> bool:
        return self in (AgeBand.AGE_0_4, AgeBand.AGE_5_11, AgeBand.AGE_12_17)


class DisplacementStatus(models.TextChoices):
    RESIDENT = "resident", _("Not displaced")
    IDP = "idp", _("Internally displaced")
    REFUGEE = "refugee", _("Refugee")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    RETURNEE = "returnee", _("Returnee")
    STATELESS = "stateless", _("Stateless")
    UNKNOWN = "unknown", _("Not known")


class Client(models.Model):
    """A person, once in the network. Reached only through ``clients.access``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("client code"), max_length=16, unique=True)
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    # In clear: what services and statistics need, nothing that identifies.
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices)
    age_band = models.CharField(_("age group"), max_length=6, choices=AgeBand.choices)
    admin_area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    displacement_status = models.CharField(
        _("displacement"), max_length=16, choices=DisplacementStatus.choices, default=DisplacementStatus.UNKNOWN
    )
    # Washington Group Short Set result (None: not asked yet) and the domains with a lot of difficulty.
    has_disability = models.BooleanField(_("disability"), null=True, blank=True)
    disability_domains = models.JSONField(default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text="ISO 639 codes")
    children_count = models.PositiveSmallIntegerField(_("number of children"), null=True, blank=True)
    children_ages = models.JSONField(_("ages of the children"), default=list, blank=True)
    cares_for_children = models.BooleanField(_("cares for children"), default=False)
    cares_for_others = models.BooleanField(_("cares for an older, ill or disabled person"), default=False)

    # Encrypted under the client's own data key: identity and contact.
    given_name = EncryptedTextField(key_field="data_key", null=True, blank=True)
    family_name = EncryptedTextField(key_field="data_key", null=True, blank=True)
    aliases = EncryptedJSONField(key_field="data_key", null=True, blank=True)
    birth_date = EncryptedTextField(key_field="data_key", null=True, blank=True)  # ISO date
    birth_date_is_estimated = models.BooleanField(default=False)
    phone = EncryptedTextField(key_field="data_key", null=True, blank=True)
    address = EncryptedTextField(key_field="data_key", null=True, blank=True)
    nationality = EncryptedTextField(key_field="data_key", null=True, blank=True)
    documents_held = EncryptedJSONField(key_field="data_key", null=True, blank=True)

    # Set when erased: the data key is destroyed and only this non-identifying stub remains.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["admin_area", "sex", "age_band"], name="clients_client_stats"),
            # The few erased clients: "leave erased clients out" is a tiny NOT IN, not a join.
            models.Index(fields=["erased_at"], name="clients_client_erased", condition=Q(erased_at__isnull=False)),
        ]

    def __str__(self):
        return self.code

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class ClientIndex(models.Model):
    """A keyed blind index (HMAC) of one normalized identity value, for exact lookups only."""

    class Purpose(models.TextChoices):
        NAME_TOKEN = "name_token"  # noqa: S105 - each word of every name and alias
        NAME_PAIR = "name_pair"  # each unordered pair of name words: searches for several words
        FULL_NAME = "full_name"  # all words, sorted: word order does not matter
        NAME_BIRTH_DATE = "name_birth_date"  # full name + date of birth: the duplicate check
        PHONE = "phone"  # digits only, with and without the country code

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="indexes")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purpose", "digest", "client"], name="clients_index_unique"),
        ]
        indexes = [models.Index(fields=["purpose", "digest"], name="clients_index_lookup")]

    def __str__(self):
        return f"{self.purpose} index of {self.client_id}"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    UNKNOWN = "", _("Not assessed")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    IMMINENT = "imminent", _("Imminent")


class Case(models.Model):
    """One organization's file on one client: who may see the client, and in which categories."""

    class Origin(models.TextChoices):
        INTAKE = "intake", _("Intake at this organization")
        REFERRAL = "referral", _("Referral from another organization")
        LINK = "link", _("Linked with the client's consent")

    class Sensitivity(models.TextChoices):
        STANDARD = "standard", _("Standard")
        SENSITIVE = "sensitive", _("Sensitive (sexual or gender-based violence)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="cases")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="cases")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.INTAKE)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=10, choices=Sensitivity.choices, default=Sensitivity.STANDARD
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("caseworker"),
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_cases",
        verbose_name=_("supervisor"),
    )
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, blank=True, default="")
    # An imminent risk stops the case until a safety plan exists (issue: intake, risk assessment).
    safety_plan_required = models.BooleanField(default=False)
    # A GBV incident within 72 hours: post-exposure prophylaxis is urgent.
    urgent_health_need = models.BooleanField(default=False)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    # The case plan's follow-up interval in days (None: no plan), kept here by casework's plan
    # services so that counting follow-ups due reads the case row alone, without joining the plan.
    follow_up_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "client"], name="clients_case_one_per_organization"),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="clients_case_org_status"),
            models.Index(fields=["caseworker", "status"], name="clients_case_worker_status"),
            # The list newest first, read in order from the index however deep the page.
            models.Index(fields=["organization", "opened_at", "id", "client"], name="clients_case_org_opened"),
            # "My cases" in the list's full order (without it SQLite walks the organization by date).
            models.Index(fields=["caseworker", "organization", "opened_at", "id"], name="clients_case_worker_org"),
            # The risk filter, counted from the index.
            models.Index(fields=["organization", "risk_level", "status"], name="clients_case_org_risk"),
            # The caseload: every count per caseworker read from this index alone, in its order.
            models.Index(
                fields=[
                    "organization",
                    "caseworker",
                    "status",
                    "risk_level",
                    "last_contact_at",
                    "opened_at",
                    "follow_up_days",
                    "client",
                    "id",
                ],
                name="clients_case_caseload",
            ),
        ]

    def __str__(self):
        return f"{self.client_id} at {self.organization_id}"

    @property
    def is_sensitive(self) -> bool:
        return self.sensitivity == self.Sensitivity.SENSITIVE


class BreakGlassAccess(models.Model):
    """Someone outside a sensitive case's team opened its identity, with a reason. Time-limited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["case", "user", "expires_at"], name="clients_breakglass_active")]

    def __str__(self):
        return f"break-glass on {self.case_id} by {self.user_id}"


class CaseAlert(models.Model):
    """Something a person must act on: an alert to a supervisor or a task for a caseworker.

    The text is a coded ``kind`` rendered in the reader's language; it never carries client data.
    """

    class Kind(models.TextChoices):
        SUICIDE_RISK = "suicide_risk", _("Suicide-risk protocol: talk with the client today")
        IMMINENT_RISK = "imminent_risk", _("Imminent risk: a safety plan is required before the case continues")
        URGENT_HEALTH = "urgent_health", _("Incident within 72 hours: refer for post-exposure prophylaxis now")
        BREAK_GLASS = "break_glass", _("Someone opened a sensitive case's identity (break-glass)")
        LINK_REQUEST = "link_request", _("Another organization asks to link a client record")
        SAFETY_PLAN_REVIEW = "safety_plan_review", _("Safety plan review is due")
        PORTAL_REQUEST = (
            "portal_request",
            _("The client asked on the portal for an appointment or a change to one"),
        )
        PORTAL_LOCKED = (
            "portal_locked",
            _("The client locked their portal account: someone else may be using their phone. Get in touch safely."),
        )

    class Audience(models.TextChoices):
        SUPERVISOR = "supervisor", _("Supervisor")
        CASEWORKER = "caseworker", _("Caseworker")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    audience = models.CharField(max_length=12, choices=Audience.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_task = models.BooleanField(default=False)
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["case", "resolved_at"], name="clients_alert_open")]

    def __str__(self):
        return f"{self.kind} on {self.case_id}"


class ConsentPurpose(models.TextChoices):
    SERVICES = "services", _("Receive services from this organization")
    REFERRAL = "referral", _("Be referred to a named organization")
    SHARING = "sharing", _("Share named information with a named organization")
    STATISTICS = "statistics", _("Be counted in anonymous statistics")
    CONTACT = "contact", _("Be contacted")
    LEGAL_REPRESENTATION = "legal_representation", _("Legal representation")
    PORTAL = "portal", _("Use the client portal")


class ConsentWording(models.Model):
    """The exact text shown when consent was asked; its SHA-256 proves what was agreed."""

    purpose = models.CharField(max_length=24, choices=ConsentPurpose.choices)
    version = models.PositiveIntegerField()
    language = models.CharField(max_length=10)
    text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version", "language"], name="clients_wording_version"),
        ]

    def __str__(self):
        return f"{self.purpose} v{self.version} ({self.language})"


class Consent(models.Model):
    """One answer to one consent question: a grant or a refusal, never edited, only revoked."""

    class GivenBy(models.TextChoices):
        CLIENT = "client", _("The client")
        CAREGIVER = "caregiver", _("A parent or caregiver (for a child)")

    class Method(models.TextChoices):
        VERBAL = "verbal", _("Verbal")
        WRITTEN = "written", _("Written signature")
        THUMBPRINT = "thumbprint", _("Thumbprint")

    class ContactMethod(models.TextChoices):
        SMS = "sms", _("SMS")
        PHONE = "phone", _("Phone call")
        EMAIL = "email", _("Email")
        NONE = "none", _("Do not contact")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=24, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("agreed"), default=True)
    # Who asked (the organization recording it) and, for referral/sharing, who receives.
    recorded_by_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_received",
        verbose_name=_("organization"),
    )
    categories = models.JSONField(_("information"), default=list, blank=True)
    contact_methods = models.JSONField(_("contact methods"), default=list, blank=True)
    safe_times = models.CharField(_("safe times to contact"), max_length=200, blank=True)
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices, default=GivenBy.CLIENT)
    caregiver_relationship = models.CharField(_("caregiver's relationship"), max_length=100, blank=True)
    method = models.CharField(_("how"), max_length=12, choices=Method.choices)
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("witness"),
    )
    interpreter_language = models.CharField(_("interpreter's language"), max_length=10, blank=True)
    wording = models.ForeignKey(ConsentWording, on_delete=models.PROTECT, related_name="+")
    wording_sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_note = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client", "purpose", "recipient"], name="clients_consent_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(purpose__in=["referral", "sharing"]) | Q(recipient__isnull=False),
                name="clients_consent_recipient_named",
            ),
        ]

    def __str__(self):
        return f"{self.purpose} {'granted' if self.granted else 'refused'} by {self.client_id}"

    def is_in_force(self, at=None) -> bool:
        at = at or timezone.now()
        if not self.granted:
            return False
        if self.revoked_at is not None and self.revoked_at <= at:
            return False
        return self.expires_at is None or self.expires_at > at


class Instrument(models.Model):
    """One version of an assessment instrument; the definition (items, scoring) is data."""

    code = models.CharField(max_length=30)
    version = models.PositiveIntegerField()
    category = models.CharField(max_length=16, choices=DataCategory.choices)
    definition = models.JSONField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="clients_instrument_version")]

    def __str__(self):
        return f"{self.code} v{self.version}"


class Assessment(models.Model):
    """A scored result of one instrument for one client. Answers encrypted; score and band in clear."""

    class Stage(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        FOLLOW_UP = "follow_up", _("Follow-up")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assessments")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.BASELINE)
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    answers = EncryptedJSONField(key_field="data_key")
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    band = models.CharField(max_length=30, blank=True)
    flags = models.JSONField(default=list, blank=True)
    interpreter_language = models.CharField(_("interpreter's language"), max_length=10, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "instrument", "assessed_at"], name="clients_assessment_series")]

    def __str__(self):
        return f"{self.instrument_id} for {self.client_id} on {self.assessed_at:%Y-%m-%d}"


class Need(models.Model):
    """A need found by a needs assessment, in clear so referrals and coverage can count it."""

    class Domain(models.TextChoices):
        SAFETY = "safety", _("Safety")
        HEALTH = "health", _("Health")
        MENTAL_HEALTH = "mental_health", _("Mental health")
        LEGAL = "legal", _("Legal")
        HOUSING = "housing", _("Housing")
        CHILDCARE = "childcare", _("Childcare")
        EDUCATION = "education", _("Education")
        LIVELIHOODS = "livelihoods", _("Livelihoods")
        CIVIL_DOCUMENTATION = "civil_documentation", _("Civil documentation")
        BASIC_NEEDS = "basic_needs", _("Basic needs")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REFERRED = "referred", _("Referred")
        MET = "met", _("Met")
        CLOSED = "closed", _("No longer needed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    domain = models.CharField(_("need"), max_length=24, choices=Domain.choices)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    identified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["domain", "status"], name="clients_need_domain")]

    def __str__(self):
        return f"{self.domain} ({self.priority}) on {self.case_id}"


class SafetyPlan(models.Model):
    """A case's safety plan; every part of it that could locate or identify someone is encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="safety_plan")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    trusted_contacts = EncryptedJSONField(key_field="data_key", null=True, blank=True)
    safe_places = EncryptedTextField(key_field="data_key", null=True, blank=True)
    warning_signs = EncryptedTextField(key_field="data_key", null=True, blank=True)
    code_word = EncryptedTextField(key_field="data_key", null=True, blank=True)
    digital_safety = EncryptedJSONField(key_field="data_key", null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"safety plan of {self.case_id}"


class Incident(models.Model):
    """A GBV incident classified with the GBVIMS tool. Perpetrator type only, never an identity."""

    class PerpetratorType(models.TextChoices):
        INTIMATE_PARTNER = "intimate_partner", _("Intimate partner or former partner")
        FAMILY = "family", _("Family member other than a partner")
        ARMED_GROUP = "armed_group", _("Member of an armed force or group")
        SECURITY_FORCES = "security_forces", _("Police or security forces")
        AUTHORITY = "authority", _("Person in authority (teacher, official, employer)")
        KNOWN = "known", _("Someone else the survivor knows")
        STRANGER = "stranger", _("Stranger")
        UNKNOWN = "unknown", _("Not known")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incidents")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    classification_answers = EncryptedJSONField(key_field="data_key")
    incident_type = models.CharField(_("type of incident"), max_length=24)
    contexts = models.JSONField(_("context"), default=list, blank=True)
    incident_date = models.DateField(_("date of the incident"), null=True, blank=True)
    admin_area = models.ForeignKey(
        AdminArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    perpetrator_type = models.CharField(_("perpetrator"), max_length=20, choices=PerpetratorType.choices)
    reported_at = models.DateTimeField(default=timezone.now)
    within_72_hours = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"{self.incident_type} on {self.case_id}"


class IntakeDraft(models.Model):
    """An intake in progress: resumable, its answers encrypted under the future client's key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    answers = EncryptedJSONField(key_field="data_key", default=dict)
    step = models.CharField(max_length=20, default="safety")
    client_language = models.CharField(max_length=10, blank=True)
    interpreter_language = models.CharField(max_length=10, blank=True)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"intake draft {self.pk} at step {self.step}"


class LinkRequest(models.Model):
    """A possible duplicate in another organization: a request to link, decided with consent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACCEPTED = "accepted", _("Linked")
        DECLINED = "declined", _("Declined")

    requesting_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="link_requests_made")
    candidate = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="link_requests")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"link request {self.pk} ({self.status})"


class ErasureRequest(models.Model):
    """Two people erase a client: one asks, another approves. Outlives the client (no FK kept)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Erased")
        REJECTED = "rejected", _("Rejected")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, null=True, on_delete=models.SET_NULL, related_name="erasure_requests")
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"erasure request {self.pk} ({self.status})"


class RetentionPolicy(models.Model):
    """How long an organization keeps closed cases before the retention task erases them."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="retention_policy")
    erase_closed_after_days = models.PositiveIntegerField(_("erase closed cases after (days)"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"retention policy of {self.organization_id}"
