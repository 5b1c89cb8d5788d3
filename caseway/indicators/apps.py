"""Common indicators: a versioned library of shared measures, computed in the database over the
clients who agreed to be counted, disaggregated, compared with targets and kept as snapshots.

Floor 12 (DESIGN.md, "The house"): it reads every app below it (clients, referrals, casework,
legal) and nothing above it. What leaves it goes through ``caseway.lib.disclosure``.
"""

from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "caseway.indicators"
    label = "indicators"
