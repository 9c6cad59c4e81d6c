from datetime import date

from django.core.management.base import BaseCommand, CommandError

from timetable.reminders import LATE, OPEN, REMINDER, send_return_notices
from timetable.services import today as local_today


class Command(BaseCommand):
    help = (
        "Send the return notices whose day has come: returns open, the reminder before the "
        "due date and the late notice after it, for each quarter whose returns are under way. "
        "Run it once a day (cron or a systemd timer); running it twice, or after a missed day, "
        "sends each notice once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The date to act as of (YYYY-MM-DD); default today.")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else local_today()
        except ValueError:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {today!r}.") from None
        counts = send_return_notices(day)
        self.stdout.write(
            f"Returns open: {counts[OPEN]} sent; reminders: {counts[REMINDER]}; "
            f"late: {counts[LATE]}."
        )
