from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from returns.workbook import import_figures
from spreadsheets.uploads import ImportRefused


class Command(BaseCommand):
    help = "Import a filled-in return workbook (all or nothing), as the given user."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="Username the figures are entered by.")

    def handle(self, *args, file: Path, user: str, **options):
        try:
            by = get_user_model().objects.get(username=user, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no active user {user!r}.") from None
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            result = import_figures(data, by=by)
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(result.problems)} problem(s); nothing was imported.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file.name}: {result.created} new, {result.changed} changed, "
                f"{result.unchanged} unchanged (drafts until submitted)."
            )
        )
