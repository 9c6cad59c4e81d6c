from django.core.management.base import BaseCommand

from demo.council import load_demo
from indicators.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Load (or refresh) the demo council and its demo users. Safe to run again."

    def handle(self, *args, **options):
        counts = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo council loaded: "
                + ", ".join(f"{number} {name}" for name, number in counts.items())
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in DEMO_USERS:
            role = user.role or "Site administrator"
            self.stdout.write(f"  {user.username:<12} {role}")
