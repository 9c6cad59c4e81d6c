from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from operations.backup import VENDOR_NAMES, BackupError, create_backup, default_archive_name


class Command(BaseCommand):
    help = (
        "Write one archive holding a consistent dump of the database and every stored file "
        "under MEDIA_ROOT, with a manifest of checksums. `restore` reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="The archive to write (default: scorecard-backup-<date>-<time>.tar.gz in the "
            "current folder; given a folder, that name inside it).",
        )

    def handle(self, *args, **options):
        destination = Path(options["archive"] or ".")
        if destination.is_dir():
            destination = destination / default_archive_name(timezone.localtime())
        try:
            manifest = create_backup(destination)
        except BackupError as error:
            raise CommandError(str(error)) from None
        vendor = VENDOR_NAMES[manifest["database"]["vendor"]]
        files = manifest["file_count"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {vendor} database and {files} stored file"
                f"{'s' if files != 1 else ''} to {destination.absolute()}"
            )
        )
