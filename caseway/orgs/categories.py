"""Categories of personal data and purposes of sharing: the words consent and agreements share.

They live here, below ``clients`` and ``referrals``, because data-sharing agreements between
organizations (this app) are written in them too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact details")
    NEEDS = "needs", _("Needs")
    RISK = "risk", _("Risk and safety")
    HEALTH = "health", _("Health")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial notes")
    LEGAL = "legal", _("Legal")
    DOCUMENTS = "documents", _("Documents")


class SharingPurpose(models.TextChoices):
    REFERRAL = "referral", _("Referrals")
    CASE_COORDINATION = "case_coordination", _("Case coordination")
    LEGAL_COOPERATION = "legal_cooperation", _("Joint legal work")
