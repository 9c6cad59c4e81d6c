"""The demo council's recovery plans, transcribed from its committee papers
(fixtures/recovery_plans.json):

- the five plans of Appendix 'A' to the year-end 2012/13 corporate scorecard report,
  covering the seven indicators that missed their 2012/13 targets (one plan covers the
  three Adult Social Care Survey indicators), with every action, lead and date as printed;
- the Lancashire Key Stage 4 Recovery Plan reported on 27 June 2018.

The indicators they cover are created with their 2011/12 and 2012/13 figures and targets
as printed. The survey plan prints no names against its work streams, so its actions are
led by the "Self Directed Support Programme Board" that the plan says manages them.
"""

import json
from datetime import date
from pathlib import Path

from django.conf import settings

from indicators.demo import load_indicator
from indicators.models import Indicator
from indicators.periods import FINANCIAL_YEAR, parse_period
from recovery_plans import services
from recovery_plans.models import Lead, RecoveryPlan

PLANS_FILE = Path(settings.BASE_DIR) / "fixtures" / "recovery_plans.json"


def load_plans(sections, service_rows, users, *, first_order: int, path: Path = PLANS_FILE):
    """Load the plans and their indicators; plans already there (by title) are left as
    they are, so a demo that has been worked on keeps its changes."""

    data = json.loads(path.read_text(encoding="utf-8"))
    by = users["performance"]
    counts: dict[str, int] = {}
    for order, item in enumerate(data["indicators"], start=first_order):
        load_indicator(item, sections, service_rows, users, order=order, counts=counts, by=by)
    for lead in data["leads"]:
        Lead.objects.update_or_create(
            name=lead["name"], defaults={"job_title": lead.get("job_title", "")}
        )
    plans = actions = 0
    for item in data["plans"]:
        if RecoveryPlan.objects.filter(title=item["title"]).exists():
            continue
        plan = services.save_plan(
            title=item["title"],
            indicators=list(Indicator.objects.filter(reference__in=item["indicators"])),
            period=parse_period(item["period"], kind=FINANCIAL_YEAR),
            owner=users[item["owner"]],
            why=item["why"],
            opened_on=date.fromisoformat(item["opened_on"]),
            comparative_intro=item.get("comparative_intro", ""),
            comparative_table=item.get("comparative_table") or {},
            actions_intro=item.get("actions_intro", ""),
        )
        for action in item["actions"]:
            services.save_action(
                plan=plan,
                heading=action.get("heading", ""),
                text=action["text"],
                leads=services.leads_named(action["leads"]),
                completion=action.get("completion", ""),
                expected_outcome=action.get("expected_outcome", ""),
                status=action["status"],
                note="As printed in the plan",
                by=by,
            )
            actions += 1
        for presentation in item.get("presentations", []):
            services.record_presentation(
                plan,
                committee=presentation["committee"],
                meeting_date=date.fromisoformat(presentation["date"]),
                note=presentation.get("note", ""),
            )
        plans += 1
    counts["recovery plans"] = plans
    counts["recovery plan actions"] = actions
    return counts
