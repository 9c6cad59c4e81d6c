"""`manage.py store_published_rows`: work out and store the scorecard rows of every quarter
with published figures (safe to run again); with --stale, only the quarters not stored yet or
stored by an earlier release (`make serve` runs that after migrating)."""

from django.core.management.base import BaseCommand

from published_rows.services import store_published


class Command(BaseCommand):
    help = "Store the scorecard rows of every quarter with published figures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale",
            action="store_true",
            help="Only the quarters not stored yet, or stored by an earlier release.",
        )

    def handle(self, *args, stale, **options):
        stored = store_published(stale_only=stale)
        self.stdout.write(f"Stored the scorecard rows of {stored} quarters.")
