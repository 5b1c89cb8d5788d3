from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "caseway.referrals"
    label = "referrals"
    verbose_name = "Referrals"
