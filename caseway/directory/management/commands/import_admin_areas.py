"""manage.py import_admin_areas PATH.csv — a country's P-code hierarchy from an OCHA COD-AB table."""

from django.core.management.base import BaseCommand, CommandError

from caseway.directory.admin_areas import AdminAreaImportError, import_admin_areas
from caseway.directory.models import AdminArea

LEVEL_LABELS = dict(AdminArea.Level.choices)


class Command(BaseCommand):
    help = (
        "Imports administrative areas (country → admin 1 → admin 2) from a CSV with adm0_pcode, adm0_name, "
        "adm1_pcode, adm1_name, ... columns, upserting by P-code. All or nothing: any error writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file, UTF-8 (with or without byte order mark)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and count changes; write nothing")

    def handle(self, *args, path, dry_run, **options):
        self.stdout.write(f"Reading {path} …")
        try:
            result = import_admin_areas(
                path,
                actor=None,
                actor_label="manage.py import_admin_areas",
                dry_run=dry_run,
                progress=self._progress,
            )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None
        except AdminAreaImportError as error:
            for row_error in error.errors:
                self.stderr.write(str(row_error))
            if error.more:
                self.stderr.write(f"… and {error.more} more.")
            raise CommandError(str(error)) from None

        levels = ", ".join(
            f"{LEVEL_LABELS.get(level, level)}: {count}" for level, count in sorted(result.by_level.items())
        )
        self.stdout.write(f"{result.rows} rows, {result.areas} areas ({levels}).")
        if result.ignored_columns:
            self.stdout.write(f"Ignored columns: {', '.join(result.ignored_columns)}")
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {result.created}, {'would update' if dry_run else 'updated'} {result.updated}, "
                f"unchanged {result.unchanged}."
            )
        )

    def _progress(self, stage, done, total):
        # One line per batch: readable in a log file as well as in a terminal.
        self.stdout.write(f"  {stage} {done}/{total}")
