from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indicators.roles import is_performance_team
from onboarding.catalogue import import_catalogue
from spreadsheets.uploads import ImportRefused


class Command(BaseCommand):
    help = (
        "Import a catalogue workbook (indicators, targets, history), all or nothing. "
        "The importer of the catalogue page."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user",
            required=True,
            help="Username of the performance team member the import is recorded against.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; save nothing."
        )
        parser.add_argument(
            "--create-owners",
            action="store_true",
            help="Create inactive officer accounts for owner e-mails no account has.",
        )

    def handle(self, *args, file: Path, user: str, dry_run: bool, create_owners: bool, **options):
        by = get_user_model().objects.filter(username=user, is_active=True).first()
        if by is None or not is_performance_team(by):
            raise CommandError(f"There is no active performance team member {user!r}.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            result = import_catalogue(data, by=by, dry_run=dry_run, create_owners=create_owners)
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.unknown_owners and not create_owners:
                self.stderr.write(
                    "Unknown owner e-mails (use --create-owners to create inactive "
                    "accounts): " + ", ".join(result.unknown_owners)
                )
            raise CommandError(f"{len(result.problems)} problem(s); nothing was imported.")
        for plan in result.indicators:
            if plan.action == "unchanged":
                continue
            self.stdout.write(f"{plan.action:>9} {plan.reference} {plan.title}")
            for change in plan.changes:
                self.stdout.write(f"          {change.column}: {change.old!r} -> {change.new!r}")
        for label, names in (
            ("New sections", result.new_sections),
            ("New services", result.new_services),
            ("New inactive officer accounts", result.created_owners),
        ):
            if names:
                self.stdout.write(f"{label}: {', '.join(names)}")
        heading = "Dry run, nothing saved" if dry_run else f"Imported {file.name}"
        self.stdout.write(self.style.SUCCESS(f"{heading}. {result.summary()}"))
