"""``manage.py hsds_import PATH [--dry-run]``: see directory/hsds_import.py.

PATH is a zip data package, a folder of CSV files (with or without datapackage.json), or an HSDS
JSON file. Errors and warnings are printed with file, row and field; any error exits non-zero and
nothing is written.
"""

from django.core.management.base import BaseCommand, CommandError

from caseway.directory.hsds_import import package_import

STAGES = {"validate": "Checking rows", "write": "Writing", "read": "Reading"}


class Progress:
    """A one-line progress bar on a terminal, one line per stage elsewhere (logs, CI)."""

    WIDTH = 30

    def __init__(self, stream, quiet=False):
        self.stream = stream
        self.quiet = quiet
        self.interactive = hasattr(stream, "isatty") and stream.isatty()
        self.stage = None

    def __call__(self, stage, done, total):
        if self.quiet:
            return
        label = STAGES.get(stage, stage)
        if self.interactive:
            filled = self.WIDTH * done // total if total else self.WIDTH
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.stream.write(f"\r{label:<14} [{bar}] {done}/{total}", ending="")
            self.stream.flush()
        elif stage != self.stage:
            self.stream.write(f"{label}…")
        self.stage = stage

    def done(self):
        if self.interactive and self.stage is not None and not self.quiet:
            self.stream.write("")


class Command(BaseCommand):
    help = "Imports an HSDS 3.0 package (zip, folder of CSV files, or JSON) into the service directory."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .zip data package, a folder of CSV files, or an HSDS .json file.")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")

    def handle(self, *args, path, dry_run=False, **options):
        progress = Progress(self.stderr, quiet=options["verbosity"] == 0)
        report = package_import(
            actor=None, source=path, dry_run=dry_run, actor_label="manage.py hsds_import", progress=progress
        )
        progress.done()
        for issue in report.warnings:
            self.stderr.write(f"warning: {issue}")
        if report.more_warnings:
            self.stderr.write(f"warning: … and {report.more_warnings} more")
        for issue in report.errors:
            self.stderr.write(f"error: {issue}")
        if report.more_errors:
            self.stderr.write(f"error: … and {report.more_errors} more")
        if not report.ok:
            raise CommandError(f"{len(report.errors) + report.more_errors} error(s): nothing was imported.")
        for table, created, updated, skipped in report.table_counts():
            self.stdout.write(f"{table}: {created} created, {updated} updated, {skipped} left out")
        verdict = "Checked (dry run): nothing was written." if dry_run else "Imported."
        self.stdout.write(f"{verdict} {report.summary()}.")
