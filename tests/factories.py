"""Small builders of realistic scorecard data for tests and benchmarks."""

from decimal import Decimal

from indicators.models import Comparator, Target, Value
from indicators.periods import FinancialQuarter, FinancialYear, parse_period
from indicators.services import record_comparator, record_value, set_target


def rated_indicator(
    make_indicator, figures=(("Q2 2017/18", "29.6"), ("Q3 2017/18", "34.8")), target="40", **fields
):
    """An indicator with figures and a year-end target for 2017/18."""
    indicator = make_indicator(**fields)
    for period, figure in figures:
        record_value(indicator=indicator, period=parse_period(period), value=Decimal(figure))
    if target is not None:
        set_target(
            indicator=indicator,
            year=parse_period("2017/18"),
            kind="year_end",
            value=Decimal(target),
        )
    return indicator


def bulk_scorecard(make_indicator, how_many: int, periods: int = 20) -> None:
    """Indicators with `periods` quarters of figures, a target each year and England
    averages, written in bulk (fast enough for hundreds of indicators)."""
    quarters = [FinancialQuarter(2013 + i // 4, i % 4 + 1) for i in range(periods)]
    years = sorted({q.financial_year for q in quarters})
    values, targets, comparators = [], [], []
    for number in range(how_many):
        indicator = make_indicator(polarity="high" if number % 2 else "low")
        for n, quarter in enumerate(quarters):
            values.append(
                Value(
                    indicator=indicator,
                    period=quarter,
                    period_start=quarter.start,
                    period_end=quarter.end,
                    value=Decimal(40 + (n * 7 + number) % 30),
                    state="published",
                )
            )
            comparators.append(
                Comparator(
                    indicator=indicator,
                    period=quarter,
                    period_start=quarter.start,
                    period_end=quarter.end,
                    kind="england",
                    name="England average",
                    value=Decimal(50),
                )
            )
        for year in years:
            targets.append(
                Target(indicator=indicator, year=year, kind="year_end", value=Decimal(50))
            )
    Value.objects.bulk_create(values)
    Target.objects.bulk_create(targets)
    Comparator.objects.bulk_create(comparators)


__all__ = ["FinancialYear", "bulk_scorecard", "rated_indicator"]


def bulk_register(how_many: int, start: int = 1) -> None:
    """Risk entries with varied scores, written in bulk, each with a type."""
    from risks.models import Entry, RiskType

    kind = RiskType.objects.get_or_create(name="Organisational")[0]
    entries = Entry.objects.bulk_create(
        Entry(
            reference=f"CR{start + n}",
            title=f"Risk {start + n}",
            description="A description",
            consequences="Consequences",
            controls="Controls",
            actions="Actions",
            inherent_impact=n % 5 + 1,
            inherent_likelihood=(n // 5) % 5 + 1,
            residual_impact=max(1, n % 5),
            residual_likelihood=max(1, (n // 5) % 5),
            owner_title="Director",
            order=start + n,
        )
        for n in range(how_many)
    )
    Entry.types.through.objects.bulk_create(
        Entry.types.through(entry_id=e.pk, risktype_id=kind.pk) for e in entries
    )


def bulk_plans(how_many: int, actions_each: int, *, indicators, owner, start: int = 1) -> None:
    """Recovery plans with actions of every status and kind of date, written in bulk."""
    from datetime import date

    from indicators.periods import FinancialYear
    from recovery_plans.dates import parse_completion
    from recovery_plans.models import Action, ActionLead, Lead, RecoveryPlan

    lead = Lead.objects.get_or_create(name="Helen Smith")[0]
    plans = RecoveryPlan.objects.bulk_create(
        RecoveryPlan(
            title=f"Recovery plan {start + n}",
            period=FinancialYear(2017),
            owner=owner,
            why="Why",
            opened_on=date(2018, 1, 1),
        )
        for n in range(how_many)
    )
    RecoveryPlan.indicators.through.objects.bulk_create(
        RecoveryPlan.indicators.through(
            recoveryplan_id=plan.pk, indicator_id=indicators[n % len(indicators)].pk
        )
        for n, plan in enumerate(plans)
    )
    dates = ["July 2013", "March 2014/15", "From July 2013", "Ongoing", "31 March 2030"]
    statuses = ["planned", "underway", "complete"]
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            number=k + 1,
            text=f"Action {k + 1}",
            completion=dates[k % len(dates)],
            due_on=parse_completion(dates[k % len(dates)]).due,
            status=statuses[k % len(statuses)],
        )
        for plan in plans
        for k in range(actions_each)
    )
    ActionLead.objects.bulk_create(ActionLead(action=a, lead=lead) for a in actions)


def pdf_bytes(*pages: str, size: str = "A4") -> bytes:
    """A small PDF with one page per text, for uploaded appendices."""
    from weasyprint import HTML

    body = "".join(f'<p style="break-before: page">{text}</p>' for text in pages)
    return HTML(string=f"<style>@page {{ size: {size} }}</style>{body}").write_pdf()


def agenda(
    *,
    author=None,
    reports=("Quarterly Corporate Performance Monitoring Report",),
    exempt=(),
    background_paragraphs: int = 3,
):
    """A draft meeting with the standard items, a report for each title in `reports` (Part I)
    and in `exempt` (Part II, paragraph 3), each with text enough for a page or more."""
    from datetime import datetime

    from django.utils import timezone

    from meetings import selectors, services
    from meetings.models import Committee, CommitteeMember

    committee, _ = Committee.objects.get_or_create(
        name="Cabinet Committee on Performance Improvement"
    )
    if not committee.members.exists():
        CommitteeMember.objects.create(committee=committee, name="County Councillor A Atkinson")
    starts_at = timezone.make_aware(datetime(2018, 6, 27, 14, 0))
    while committee.meetings.filter(starts_at=starts_at).exists():
        starts_at = starts_at.replace(year=starts_at.year + 1)
    meeting = services.create_meeting(
        committee=committee,
        starts_at=starts_at,
        venue="Committee Room 'B' - County Hall, Preston",
        signatory="L Sales",
        signatory_title="Director of Corporate Services",
    )
    paragraph = (
        "Performance across the council is set out below, service by service, with the "
        "reasons for any change and what is being done where performance requires "
        "improvement. "
    ) * 6
    for title in list(reports) + list(exempt):
        part_two = title in exempt
        item = services.add_item(
            meeting,
            number=selectors.next_report_number(meeting),
            kind="report",
            title=title,
            part=2 if part_two else 1,
            exempt_paragraph=3 if part_two else None,
            exempt_reason="It concerns the financial affairs of a named provider."
            if part_two
            else "",
        )
        report = item.report
        report.author = author
        report.report_of = "Chief Executive"
        report.divisions = "All"
        report.contact = "Michael Walder, 01772 533637"
        report.executive_summary = f"This report on {title} gives an overview for members."
        report.recommendation = "The Cabinet Committee is asked to note the report."
        report.background = "\n\n".join([paragraph] * background_paragraphs)
        report.save()
    return meeting


def obese_adults(make_indicator):
    """A measure with an England average published with its 95% confidence interval and the
    council's rank among 150 authorities, for the year before its Q4 2017/18 scorecard."""
    indicator = rated_indicator(
        make_indicator,
        reference="LW03",
        title="Obese adults",
        polarity="low",
        figures=[("Q3 2017/18", "14.9"), ("Q4 2017/18", "15.2")],
        target="14",
    )
    record_comparator(
        indicator=indicator,
        period=parse_period("2016/17"),
        kind="england",
        value=Decimal("13.8"),
        lower_ci=Decimal("13.1"),
        upper_ci=Decimal("14.5"),
        rank=110,
        rank_of=150,
        source="OHID Fingertips, May 2018",
    )
    return indicator
