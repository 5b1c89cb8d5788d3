from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "caseway.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        from caseway.referrals import signals

        signals.connect()
