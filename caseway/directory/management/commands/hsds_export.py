"""``manage.py hsds_export PATH [--format zip|json] [--include-private]``: see directory/hsds_export.py."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caseway.directory.hsds_export import package_export
from caseway.directory.management.commands.hsds_import import Progress


class Command(BaseCommand):
    help = "Exports the published service directory as an HSDS 3.0 data package (zip) or JSON."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write (.zip or .json).")
        parser.add_argument("--format", choices=["zip", "json"], help="Default: from the file name, else zip.")
        parser.add_argument(
            "--include-private",
            action="store_true",
            help="Also export services not listed publicly (staff use). Confidential locations stay redacted.",
        )

    def handle(self, *args, path, format=None, include_private=False, **options):
        target = Path(path)
        fmt = format or ("json" if target.suffix.lower() == ".json" else "zip")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a folder.")
        progress = Progress(self.stderr, quiet=options["verbosity"] == 0)
        # Written next to the target and renamed: a failed export never leaves half a file.
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".hsds-export-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                counts = package_export(
                    actor=None,
                    handle=handle,
                    fmt=fmt,
                    include_private=include_private,
                    actor_label="manage.py hsds_export",
                    progress=progress,
                )
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        progress.done()
        summary = ", ".join(f"{table} {count}" for table, count in sorted(counts.items()))
        self.stdout.write(f"Wrote {target} ({fmt}): {summary or 'nothing published'}.")
