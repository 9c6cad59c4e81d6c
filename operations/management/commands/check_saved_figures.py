"""`manage.py check_saved_figures DIR`: after the load test, is every figure the app said it
saved still there? DIR holds one `<officer>.jsonl` per officer (bench/locustfile.py), a line
per save in the order they were made (indicator reference, period, value), written before
the POST and again, `confirmed`, once the app answered that it was saved."""

import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.models import Value
from indicators.periods import parse_period


class Command(BaseCommand):
    help = (
        "Check that every figure saved during the load test is in the database: the last "
        "one of each line as its current figure, every one in its audit history."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        # Per line of the return, its saves in order; each line has one officer.
        saves: dict[tuple, list[tuple[Decimal, bool]]] = {}
        for path in sorted(directory.glob("*.jsonl")):
            for text in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(text)
                key = (record["indicator"], parse_period(record["period"]))
                saves.setdefault(key, []).append((Decimal(record["value"]), record["confirmed"]))
        confirmed = sum(ok for line in saves.values() for _, ok in line)
        if not confirmed:
            raise CommandError(f"No confirmed saves recorded in {directory}.")
        references = {reference for reference, _ in saves}
        periods = {period for _, period in saves}
        current = {
            (v.indicator.reference, v.period): v.value
            for v in Value.objects.current()
            .filter(indicator__reference__in=references, period__in=periods)
            .select_related("indicator")
        }
        history: dict[tuple, set[Decimal]] = {}
        rows = Value.history.filter(indicator__reference__in=references, period__in=periods)
        for reference, period, value in rows.values_list("indicator__reference", "period", "value"):
            history.setdefault((reference, period), set()).add(value)
        lost = []
        for (reference, period), line in saves.items():
            name = f"{reference} {period}"
            for value, ok in line:
                if ok and value not in history.get((reference, period), set()):
                    lost.append(f"{name}: saved {value}, not in its history")
            # The last confirmed save stands, unless a save the run cut off landed after it.
            last = max((n for n, (_, ok) in enumerate(line) if ok), default=None)
            now = current.get((reference, period))
            if last is not None and now not in {value for value, _ in line[last:]}:
                lost.append(f"{name}: saved {line[last][0]}, now {now}")
        for problem in lost:
            self.stderr.write(f"lost write: {problem}")
        self.stdout.write(f"bench loadtest_saved_figures: {confirmed}")
        self.stdout.write(f"bench loadtest_figures_checked: {len(saves)}")
        self.stdout.write(f"bench loadtest_lost_writes: {len(lost)}")
        if lost:
            raise CommandError(f"{len(lost)} saved figures are not in the database.")
