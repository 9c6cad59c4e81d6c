"""The whole demo council, loaded in one transaction."""

import json
from pathlib import Path

from django.db import transaction

from comparators.demo import load_comparators
from indicators.demo import DEMO_FILE, ensure_users, load_indicators
from meetings.demo import load_meetings
from published_rows.services import refreshed_once, store_published
from recovery_plans.demo import load_plans
from risks.demo import load_register


@transaction.atomic
@refreshed_once()
def load_demo(path: Path = DEMO_FILE, *, meetings: bool = True) -> dict[str, int]:
    """Load (or refresh) the demo council; safe to run any number of times. Without
    `meetings`, the committee meetings (and the rendering of their packs) are left out."""
    data = json.loads(path.read_text(encoding="utf-8"))
    users = ensure_users()
    by = users["performance"]
    counts = {"indicators": 0, "values": 0, "targets": 0, "comparators": 0, "commentaries": 0}
    children = {ref: users["officer"] for ref in ("CR2", "CR3", "CR4", "CR8")}
    counts["risk and opportunity entries"] = load_register(
        {**children, "default": users["officer2"]}
    )
    sections, service_rows = load_indicators(data, users, counts=counts, by=by)
    plans = load_plans(sections, service_rows, users, first_order=len(data["indicators"]) + 1)
    for name, number in plans.items():
        counts[name] = counts.get(name, 0) + number
    counts.update(load_comparators(by=by))
    # Its quarters were published before the council used Scorecard: their rows are stored
    # as a publication stores them, before the meetings' packs are rendered from them.
    counts["stored scorecard quarters"] = store_published()
    if meetings:
        counts.update(load_meetings(users))
    return counts
