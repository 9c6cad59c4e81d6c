from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onboarding.catalogue import export_catalogue


class Command(BaseCommand):
    help = (
        "Write every indicator, target and published figure to a catalogue workbook, "
        "in the format import_catalogue reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            export_catalogue().save(file)
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error.strerror}.") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {file}."))
