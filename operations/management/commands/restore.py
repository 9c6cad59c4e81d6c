from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import (
    VENDOR_NAMES,
    BackupError,
    check_vendor,
    existing_data,
    read_manifest,
    restore_backup,
)


class Command(BaseCommand):
    help = (
        "Replace the database and MEDIA_ROOT's files with those of an archive written by "
        "`backup`, once its checksums are verified."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive written by `manage.py backup`.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace the data this installation already holds.",
        )

    def handle(self, *args, **options):
        path = Path(options["archive"])
        try:
            manifest = read_manifest(path)
            check_vendor(manifest)
        except BackupError as error:
            raise CommandError(str(error)) from None
        vendor = VENDOR_NAMES[manifest["database"]["vendor"]]
        files = manifest["file_count"]
        described = (
            f"the {vendor} backup of {manifest['created_at']} "
            f"with {files} stored file{'s' if files != 1 else ''}"
        )
        present = existing_data()
        if present and not options["yes"]:
            self.stdout.write("This installation already holds data; restoring replaces all of it:")
            for line in present:
                self.stdout.write(f"  {line}")
            raise CommandError(
                f"Nothing was changed. To replace it with {described}, run again with --yes."
            )
        try:
            pending = restore_backup(path, manifest)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {described}."))
        if pending:
            self.stdout.write(
                f"The backup predates {len(pending)} migration(s) of this version "
                f"({', '.join(pending)}): run `manage.py migrate` before serving."
            )
