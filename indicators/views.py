"""Read-only pages of the scorecard for members, officers and the public."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from indicators.models import Indicator, Section
from indicators.periods import (
    FINANCIAL_QUARTER,
    FINANCIAL_YEAR,
    FinancialQuarter,
    PeriodError,
    parse_period,
)
from indicators.reporting import assess, england_average, value_in_quarter
from indicators.tables import ScorecardTable, ValuesTable

REPORTING_KINDS = {FINANCIAL_QUARTER, FINANCIAL_YEAR}


def _latest_quarter(indicators) -> FinancialQuarter | None:
    """The latest quarter with a quarterly or year figure; rolling windows and snapshots
    published out of step do not move the scorecard on by themselves."""
    ends = [
        v.period
        for i in indicators
        for v in i.values.all()
        if v.value is not None and v.period.kind in REPORTING_KINDS
    ]
    return max((p.financial_quarter for p in ends), default=None)


def scorecard(request):
    """The scorecard for one quarter, a table per section, each row rated."""
    indicators = list(Indicator.objects.for_report())
    quarter = _latest_quarter(indicators)
    if "period" in request.GET:
        try:
            quarter = parse_period(request.GET["period"], kind="financial_quarter")
        except PeriodError:
            raise Http404("No such quarter.") from None
    sections = []
    for section in Section.objects.all():
        rows = []
        for indicator in (i for i in indicators if i.section_id == section.pk):
            value = value_in_quarter(indicator, quarter) if quarter else None
            assessment = assess(indicator, value)
            figure = value.display if value else "-"
            if value and value.period != quarter:
                figure = f"{figure} ({value.period})"
            if value and value.qualifier:
                figure = f"{figure} {value.qualifier}"
            rows.append(
                {
                    "indicator": indicator,
                    "measure": indicator.title,
                    "polarity": indicator.polarity_enum,
                    "figure": figure,
                    "target": (
                        assessment.target.spec().describe(indicator.decimal_places)
                        if assessment.target
                        else "-"
                    ),
                    "rag": assessment.rag,
                    "direction": assessment.direction,
                    "england": england_average(indicator, value.period) if value else "",
                }
            )
        if rows:
            sections.append({"section": section, "table": ScorecardTable(rows)})
    return render(request, "indicators/scorecard.html", {"quarter": quarter, "sections": sections})


def indicator_detail(request, reference: str):
    """One indicator: its definition and every figure with its rating."""
    indicator = get_object_or_404(Indicator.objects.for_report(), reference=reference)
    rows = []
    for value in indicator.values.all():
        assessment = assess(indicator, value)
        rows.append(
            {
                "period": str(value.period),
                "figure": " ".join(filter(None, [value.display, value.qualifier])),
                "status": value.get_status_display(),
                "target": (
                    assessment.target.spec().describe(indicator.decimal_places)
                    if assessment.target
                    else "-"
                ),
                "rag": assessment.rag,
                "direction": assessment.direction,
            }
        )
    commentary = sorted(indicator.commentaries.all(), key=lambda c: c.period, reverse=True)
    return render(
        request,
        "indicators/indicator_detail.html",
        {"indicator": indicator, "table": ValuesTable(rows), "commentary": commentary},
    )
