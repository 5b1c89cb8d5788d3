"""Compute and store indicator snapshots, showing progress (the daily task does the same)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseway.indicators.dimensions import resolve
from caseway.indicators.models import Indicator
from caseway.indicators.periods import Period, Scope
from caseway.indicators.services import default_periods, default_scopes, snapshots_compute
from caseway.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Compute indicator snapshots: by default the current and previous month, quarter and year, for the "
        "network and every active organization, whole and by each allowed disaggregation. Frozen snapshots "
        "(periods over for CASEWAY_INDICATOR_FREEZE_DAYS) are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], help="A period: 2026-03, 2026-Q1 or 2026.")
        parser.add_argument("--indicator", action="append", default=[], help="An indicator code (default: all).")
        parser.add_argument(
            "--organization", action="append", default=[], help="An organization id (default: network and all)."
        )
        parser.add_argument("--network", action="store_true", help="The network only.")
        parser.add_argument(
            "--dimensions",
            action="append",
            default=None,
            help="Disaggregations, such as sex or sex,age_band; empty for the whole (default: whole and each one).",
        )
        parser.add_argument("--every", type=int, default=50, help="Report progress every N snapshots (default 50).")
        parser.add_argument(
            "--recompute-frozen",
            action="store_true",
            help="Also recompute frozen snapshots, changing figures already published (audited). Without it, "
            "frozen snapshots are left as they are and counted as such.",
        )

    def handle(self, *args, **options):
        every = options["every"]
        if every < 1:
            raise CommandError("--every must be at least 1.")
        try:
            periods = [Period.parse(key) for key in options["period"]] or default_periods(timezone.localdate())
        except ValueError as error:
            raise CommandError(str(error)) from None
        scopes = self._scopes(options)
        codes = None
        if options["indicator"]:
            # Each period gets the version in force at its end (the one readers use), not today's.
            codes = sorted(set(options["indicator"]))
            missing = set(codes) - set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
            if missing:
                raise CommandError(f"No indicator {', '.join(sorted(missing))}.")
        dimension_sets = None
        if options["dimensions"] is not None:
            try:
                dimension_sets = [self._dimensions(text) for text in options["dimensions"]]
            except ValueError as error:
                raise CommandError(str(error)) from None
        verbosity = options["verbosity"]

        def report(done, total, label):
            if verbosity >= 1 and (done % every == 0 or done == total):
                self.stdout.write(f"{done} of {total} snapshots ({label})")

        result = snapshots_compute(
            periods=periods,
            scopes=scopes,
            codes=codes,
            dimension_sets=dimension_sets,
            report=report,
            recompute_frozen=options["recompute_frozen"],
        )
        if result["newly_frozen"]:
            self.stdout.write(f"{result['newly_frozen']} snapshots of periods over for long enough frozen first")
        if result["recomputed_frozen"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{result['recomputed_frozen']} frozen snapshots recomputed: published figures may have changed "
                    "(recorded in the audit log)"
                )
            )
        if result["frozen"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{result['frozen']} snapshots are frozen and were left as they were "
                    "(--recompute-frozen to recompute them)"
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{result['written']} snapshots written, {result['frozen']} frozen and left as they were"
            )
        )

    def _scopes(self, options):
        if options["network"]:
            return [Scope.network()]
        if not options["organization"]:
            return default_scopes()
        scopes = []
        for value in options["organization"]:
            if not value.isdigit() or not Organization.objects.filter(pk=int(value)).exists():
                raise CommandError(f"No organization {value}.")
            scopes.append(Scope.of(int(value)))
        return scopes

    def _dimensions(self, text):
        keys = tuple(key.strip() for key in text.split(",") if key.strip())
        resolve(keys)
        return keys
