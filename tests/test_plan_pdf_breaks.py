"""A recovery plan's PDF never leaves a heading or a table's header row alone at the foot of
a page: the plan's "why" is grown line by line, so the actions table starts at every height
of the first page once, and each PDF's pages are read back."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from indicators.periods import parse_period
from indicators.services import record_value, set_target
from recovery_plans import services

pytestmark = pytest.mark.django_db

HEADER = "No. Action to be taken Lead Completion date Status"
HEADING = "What actions are required to put it back on track?"


def last_line(page) -> str:
    lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
    # The running header and footer ("Page 1 of 2") are not the body's.
    body = [
        line
        for line in lines
        if not line.startswith("Page ") and "Performance Indicator Recovery Plan" not in line
    ]
    return " ".join(body[-1].split()) if body else ""


def test_no_heading_or_table_header_is_left_at_a_page_foot(client, make_indicator, alice):
    indicator = make_indicator(title="Reviews on time", owner=alice)
    record_value(indicator=indicator, period=parse_period("Q4 2017/18"), value=Decimal("40"))
    set_target(
        indicator=indicator, year=parse_period("2017/18"), kind="year_end", value=Decimal("60")
    )
    plan = services.save_plan(
        title="Put reviews back on time",
        indicators=[indicator],
        period=parse_period("2017/18"),
        owner=alice,
        why="Vacancies.",
        opened_on=date(2018, 5, 1),
    )
    for number in range(1, 13):
        services.save_action(
            plan=plan,
            heading=f"Workstream {(number + 1) // 2} of the plan",
            text=f"Action number {number}, described in a sentence or two.",
            leads=services.leads_named(["Helen Smith"]),
            completion="July 2018",
            status="planned",
            by=alice,
        )
    client.force_login(alice)
    endings = []
    for lines in range(0, 60):
        plan.why = "\n\n".join(f"Reason {n}: staff vacancies in the team." for n in range(lines))
        plan.save()
        response = client.get(f"/recovery-plans/{plan.pk}/plan.pdf")
        pages = PdfReader(io.BytesIO(response.content)).pages
        endings += [(lines, last_line(page)) for page in pages[:-1]]
    assert endings, "the plan should run over pages"
    orphans = [
        (n, end)
        for n, end in endings
        if end in {HEADER, HEADING} or end.startswith(("Workstream", "3 actions overdue"))
    ]
    assert orphans == []


def test_overdue_is_counted_as_at_the_meeting_or_today_saying_which(make_indicator, alice):
    from django.utils import timezone

    from reporting.plans import plan_context, plan_queryset

    indicator = make_indicator(title="Reviews on time", owner=alice)
    plan = services.save_plan(
        title="Put reviews back on time",
        indicators=[indicator],
        period=parse_period("2017/18"),
        owner=alice,
        why="Vacancies.",
        opened_on=date(2018, 1, 1),
    )
    for completion in ("March 2018", "September 2018"):
        services.save_action(
            plan=plan,
            text=f"Done by {completion}",
            leads=services.leads_named(["Helen Smith"]),
            completion=completion,
            status="planned",
            by=alice,
        )
    plan = plan_queryset().get(pk=plan.pk)
    today = timezone.localdate()
    held = plan_context(plan, meeting_day=date(2018, 6, 27))
    assert (held["overdue_count"], held["overdue_when"]) == (1, "at the meeting on 27 June 2018")
    ahead = plan_context(plan, meeting_day=today.replace(year=today.year + 1))
    assert ahead["overdue_count"] == 2
    assert ahead["overdue_when"] == f"on {today:%-d %B %Y}, when the papers were published"
    page = plan_context(plan)
    assert page["overdue_when"] == f"today, {today:%-d %B %Y}"
