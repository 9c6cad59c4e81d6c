"""`manage.py store_published_rows`: work out and store the scorecard rows of every quarter
with published figures (once after upgrading to stored rows; safe to run again)."""

from django.core.management.base import BaseCommand

from published_rows.services import store_published


class Command(BaseCommand):
    help = "Store the scorecard rows of every quarter with published figures."

    def handle(self, *args, **options):
        stored = store_published()
        self.stdout.write(f"Stored the scorecard rows of {stored} quarters.")
