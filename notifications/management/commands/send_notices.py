from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.services import retry_due, send_action_reminders
from timetable.reminders import send_return_notices


class Command(BaseCommand):
    help = (
        "Send the notices that fall due by date (returns open, due and late; recovery plan "
        "actions due and overdue) and "
        "try again the e-mails whose mail server refused them. Run it every hour or so (cron "
        "or a systemd timer); running it twice sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The date to act as of (YYYY-MM-DD); default today.")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {today!r}.") from None
        returns = sum(send_return_notices(day).values())
        reminders = send_action_reminders(day)
        retried = retry_due()
        self.stdout.write(
            f"{returns} return notice{'s' if returns != 1 else ''} and "
            f"{reminders} reminder{'s' if reminders != 1 else ''} about actions queued; "
            f"{retried} e-mail{'s' if retried != 1 else ''} tried again."
        )
