"""Generated appendices: the quarterly performance report, the risk and opportunity register
of a review, and recovery plans, rendered from live data until the meeting is published and
frozen from then on. Each renders to an HTML fragment that serves both the web page and the
agenda pack."""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

from indicators.models import (
    Commentary,
    Indicator,
    Section,
    Value,
    published_commentary,
)
from indicators.periods import FinancialQuarter, Period
from indicators.rag import Rag
from meetings.models import Appendix, AppendixKind
from reporting.assessment import previous_value
from reporting.plans import plan_context, plan_queryset
from reporting.risks import register_lines
from reporting.scorecard import Row, build_rows
from reporting.sparkline import sparkline_svg

# The quarterly performance report ------------------------------------------------------


@dataclass
class PerformanceLine:
    row: Row
    previous: Value | None

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator

    @property
    def trend(self) -> str:
        """The last eight figures of the latest figure's kind, as a vector sparkline."""
        latest = self.row.value
        if latest is None:
            return ""
        same_kind = sorted(
            (
                v
                for v in self.indicator.values.all()
                if v.period.kind == latest.period.kind
                and v.period.end <= latest.period.end
                and v.value is not None
            ),
            key=lambda v: v.period.end,
        )[-8:]
        return sparkline_svg(
            [(str(v.period), v.value, v.display) for v in same_kind], label=self.indicator.title
        )


@dataclass
class ServiceTable:
    """One table of the report: a service's indicators and the commentary under them."""

    name: str
    lines: list[PerformanceLine] = field(default_factory=list)
    commentary: list[Commentary] = field(default_factory=list)
    latest_period: Period | None = None
    previous_period: Period | None = None


def _most_common(periods: list[Period]) -> Period | None:
    counted = Counter(p for p in periods if p is not None)
    return counted.most_common(1)[0][0] if counted else None


def performance_tables(
    quarter: FinancialQuarter, sections: list[Section] | None = None
) -> list[tuple[Section, list[ServiceTable]]]:
    """The indicators of the quarter's scorecard, by section and service, as seeds 001 and
    002 lay them out: each with its previous and latest figure, England average and RAG."""
    year = quarter.financial_year
    indicators = Indicator.objects.for_report(quarter).in_scorecard(year)
    if sections:
        indicators = indicators.filter(section__in=sections)
    indicators = list(
        indicators.order_by("section__order", "section__name", "order", "reference")
        .prefetch_related(published_commentary())
        .distinct()
    )
    blocks: dict[int, tuple[Section, dict[str, ServiceTable]]] = {}
    for row in build_rows(indicators, quarter):
        indicator = row.indicator
        section, tables = blocks.setdefault(indicator.section_id, (indicator.section, {}))
        table = tables.setdefault(indicator.service.name, ServiceTable(indicator.service.name))
        previous = previous_value(indicator, row.value) if row.value else None
        table.lines.append(PerformanceLine(row=row, previous=previous))
        table.commentary.extend(
            c
            for c in indicator.published_commentary
            if quarter.start <= c.period.end <= quarter.end and c.said
        )
    result = []
    for section, tables in blocks.values():
        for table in tables.values():
            table.latest_period = _most_common(
                [line.row.value.period for line in table.lines if line.row.value]
            )
            table.previous_period = _most_common(
                [line.previous.period for line in table.lines if line.previous]
            )
        result.append((section, list(tables.values())))
    return result


def performance_figures(blocks) -> dict:
    """What the report printed, to tell later which figures were revised since."""
    figures = {}
    for _, tables in blocks:
        for table in tables:
            for line in table.lines:
                for value in (line.previous, line.row.value):
                    if value is not None:
                        figures.setdefault(line.indicator.reference, {})[value.period.key] = [
                            str(value.value) if value.value is not None else None,
                            value.display,
                        ]
    return figures


# The risk and opportunity register of a review ------------------------------------------


# Recovery plans --------------------------------------------------------------------------


def plan_contexts(appendix: Appendix) -> list[dict]:
    meeting_day = appendix.report.item.meeting.local_start.date()
    return [
        plan_context(plan, meeting_day=meeting_day)
        for plan in plan_queryset().filter(pk__in=_plan_ids(appendix))
    ]


def _plan_ids(appendix: Appendix) -> list[int]:
    return [p.pk for p in appendix.plans.all()]


def _unique_ids(html: str, prefix: str) -> str:
    """Each plan's headings and actions carry ids; several plans on one page (or in one
    pack) need their own, and the links and labels pointing at them follow."""
    html = re.sub(
        r'\b(id|for|aria-labelledby|aria-describedby)="([^"#]+)"', rf'\1="{prefix}-\2"', html
    )
    return re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', html)


# Rendering and freezing ------------------------------------------------------------------


def render_generated(appendix: Appendix) -> tuple[str, dict]:
    """The appendix's HTML fragment from live data, and the figures it shows."""
    if appendix.kind == AppendixKind.PERFORMANCE:
        blocks = performance_tables(appendix.quarter, list(appendix.sections.all()))
        html = render_to_string(
            "meetings/appendix_performance.html",
            {"blocks": blocks, "quarter": appendix.quarter, "rags": list(Rag)},
        )
        return html, performance_figures(blocks)
    if appendix.kind == AppendixKind.RISK_REGISTER:
        lines, matrix = register_lines(appendix.review)
        html = render_to_string(
            "meetings/appendix_register.html",
            {
                "lines": lines,
                "matrix": matrix,
                "review": appendix.review,
                "key_rows": [
                    (matrix.impact_name(i), [(i * j, matrix.band(i * j)) for j in range(1, 6)])
                    for i in range(5, 0, -1)
                ],
            },
        )
        return html, {line.reference: [line.inherent, line.residual] for line in lines}
    if appendix.kind == AppendixKind.RECOVERY_PLANS:
        parts, figures = [], {}
        for context in plan_contexts(appendix):
            plan = context["plan"]
            body = render_to_string(
                "meetings/appendix_plan.html", {**context, "interactive": False}
            )
            parts.append(_unique_ids(body, f"a{appendix.pk}-{plan.pk}"))
            for row in context["performance"]:
                for value in (row.previous, row.value):
                    if value is not None:
                        figures.setdefault(row.indicator.reference, {})[value.period.key] = [
                            str(value.value) if value.value is not None else None,
                            value.display,
                        ]
        return "\n".join(parts), figures
    raise ValueError(f"{appendix} is not generated from data.")


def appendix_html(appendix: Appendix) -> str:
    """What the appendix shows now: frozen once published, live before."""
    if appendix.is_frozen:
        return appendix.frozen_html
    return render_generated(appendix)[0]


def freeze(appendix: Appendix) -> None:
    appendix.frozen_html, appendix.frozen_figures = render_generated(appendix)
    appendix.frozen_at = timezone.now()
    appendix.save(update_fields=["frozen_html", "frozen_figures", "frozen_at"])


@dataclass(frozen=True)
class Revision:
    reference: str
    title: str
    period: str
    printed: str
    now: str


def revisions_since(appendix: Appendix) -> list[Revision]:
    """Figures the frozen appendix printed that have been revised (or withdrawn) since."""
    return revisions_for([appendix]).get(appendix.pk, [])


def revisions_for(appendices: list[Appendix]) -> dict[int, list[Revision]]:
    """The same for many appendices, in one query."""
    frozen = [
        a
        for a in appendices
        if a.is_frozen and a.frozen_figures and a.kind != AppendixKind.RISK_REGISTER
    ]  # a closed review of the register never changes
    if not frozen:
        return {}
    references = {reference for a in frozen for reference in a.frozen_figures}
    current, titles = {}, {}
    published = Value.objects.published().filter(indicator__reference__in=references)
    for value in published.select_related("indicator"):
        current[(value.indicator.reference, value.period.key)] = value
        titles[value.indicator.reference] = value.indicator.title
    found: dict[int, list[Revision]] = {}
    for appendix in frozen:
        for reference, periods in appendix.frozen_figures.items():
            for key, (number, printed) in periods.items():
                now = current.get((reference, key))
                now_number = str(now.value) if now is not None and now.value is not None else None
                if now is None or now_number != number:
                    found.setdefault(appendix.pk, []).append(
                        Revision(
                            reference=reference,
                            title=titles.get(reference, reference),
                            period=str(Period.from_key(key)),
                            printed=printed,
                            now=now.display if now is not None else "withdrawn",
                        )
                    )
    return found
