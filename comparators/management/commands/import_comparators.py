from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comparators.imports import import_comparators
from spreadsheets.uploads import ImportRefused


class Command(BaseCommand):
    help = (
        "Import comparator figures from a CSV as published: a Fingertips data file, an ASCOF "
        "open-data file (the year in its name or a Year column), an LG Inform download, or "
        "the long format (measure code, area code, area name, area type, period, value). "
        "Only headline rows are imported; breakdown rows are counted. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-unknown",
            action="store_true",
            help="Skip rows of measure codes not mapped to an indicator (default: refuse).",
        )
        parser.add_argument(
            "--skip-problems",
            action="store_true",
            help="Leave out the rows with problems, listed first, and import the rest "
            "(default: refuse the whole file).",
        )

    def handle(self, *args, file: Path, skip_unknown: bool, skip_problems: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            result = import_comparators(
                data, skip_unknown=skip_unknown, skip_problems=skip_problems, filename=file.name
            )
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        for problem in result.problems:
            self.stderr.write(str(problem))
        if result.unknown and not skip_unknown:
            for code in result.unknown:
                self.stderr.write(str(code))
            self.stderr.write("Map these codes (or use --skip-unknown to leave their rows out).")
        if not result.saved:
            count = len(result.problems) + (0 if skip_unknown else len(result.unknown))
            hint = (
                " Put them right, or use --skip-problems to import the other rows."
                if result.problems and not skip_problems
                else ""
            )
            raise CommandError(f"{count} problem(s); nothing was imported.{hint}")
        self.stdout.write(self.style.SUCCESS(f"Imported {file.name}: {result.summary()}"))
