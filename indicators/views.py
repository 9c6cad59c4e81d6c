"""The scorecard, its exports and the indicator page, for members, officers and the public."""

import csv
from dataclasses import dataclass, field
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from indicators import services
from indicators.audit import audit_trail
from indicators.forms import ProcessChangeForm, ScorecardFilterForm
from indicators.models import (
    Indicator,
    Section,
    Value,
    published_commentary,
)
from indicators.periods import KIND_LABELS, FinancialQuarter
from indicators.rag import Rag
from indicators.roles import (
    CLERK,
    OFFICER,
    PERFORMANCE_TEAM,
    can_edit_figures,
    is_performance_team,
    role_names,
)
from indicators.tables import ScorecardTable, ValuesTable
from meetings import services as meetings_services
from meetings.models import Report
from meetings.permissions import can_edit_report
from meetings.selectors import is_item_published
from recovery_plans.rules import NEEDED, plan_state
from reporting.assessment import assess, stretch_goals
from reporting.charts import comparator_points, spc_series, spc_view, trend_charts
from reporting.comparators import Benchmarks, attach_rankings
from reporting.comparators import figure as comparator_figure
from reporting.exports import scorecard_records, scorecard_workbook
from reporting.forecast import year_end_forecast
from reporting.overview import CHANGE_TITLES, build_overview
from reporting.plans import plans_by_indicator
from reporting.quarters import PartPublished, latest_complete
from reporting.scorecard import (
    Row,
    Summary,
    build_rows,
    comparator_areas,
    quarter_columns,
    summarise,
)
from reporting.stored_rows import read_stored, read_stored_page
from reporting.summary import draft
from spreadsheets.guard import spreadsheet_text


def home(request):
    """Where signing in lands: an officer with indicators to keep on their return (what is
    due, by when, how much is done); everyone else on the scorecard."""
    user = request.user
    if (
        OFFICER in role_names(user)
        and not is_performance_team(user)
        and Indicator.objects.owned_by(user).exists()
    ):
        return redirect("returns:list")
    return redirect("indicators:scorecard")


@dataclass
class ScorecardView:
    """Everything the scorecard page and its exports show for one request."""

    form: ScorecardFilterForm
    quarter: FinancialQuarter | None
    rows: list[Row] = field(default_factory=list)  # on the scorecard page: StoredPageRow
    summary: Summary | None = None
    notice: str = ""
    part_published: PartPublished | None = None


def _choose_quarter(data: dict) -> tuple[FinancialQuarter | None, PartPublished | None]:
    """The quarter asked for, or the latest complete one with figures (in the year asked
    for), and the newer quarter still being published that was passed over."""
    year, period = data.get("year"), data.get("period")
    if year is not None and period:
        return FinancialQuarter(year.start_year, int(period[1])), None
    if year is not None:
        latest, partial = latest_complete(up_to=year.end)
        if latest and latest.financial_year == year:
            return latest, partial
        return year.quarters()[-1], None
    latest, partial = latest_complete()
    if period and latest:
        return FinancialQuarter(latest.start_year, int(period[1])), None
    return latest, partial


# The filters that read a row's own figures, as read_stored filters the stored rows.
ROW_FILTERS = {
    "rag": lambda row: row.rag_key,
    "direction": lambda row: row.direction.value if row.direction else "",
    "variation": lambda row: row.variation_key,
    "assurance": lambda row: row.assurance_key,
    "forecast": lambda row: row.forecast_key,
    "plan": lambda row: row.plan_state or "",
}


def scorecard_for(request, *, page_rows: bool = False) -> ScorecardView:
    form = ScorecardFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # invalid filters are named on the page and left out
    data = form.cleaned_data if form.is_bound else {}
    quarter, partial = _choose_quarter(data)
    indicators = Indicator.objects.for_report(quarter)
    if quarter is not None:
        indicators = indicators.in_scorecard(quarter.financial_year)
    if data.get("section"):
        indicators = indicators.filter(section=data["section"])
    if data.get("service"):
        indicators = indicators.filter(service=data["service"])
    if data.get("owner"):
        indicators = indicators.filter(owner=data["owner"])
    if data.get("q"):
        indicators = indicators.filter(
            Q(title__icontains=data["q"]) | Q(reference__icontains=data["q"])
        )
    view = ScorecardView(form=form, quarter=quarter, part_published=partial)
    if quarter is None:
        view.notice = "There are no published figures yet."
        return view
    # A published quarter's rows were worked out when it was published: read them (for the
    # scorecard page, only its markup and what it sorts by: `page_rows`).
    stored = (read_stored_page if page_rows else read_stored)(quarter, indicators, data)
    if stored is not None:
        view.rows, view.summary = stored.rows, stored.summary
        if not stored.has_figures:
            view.notice = f"There are no published figures for {quarter}."
        return view
    indicators = list(indicators)
    rows = build_rows(indicators, quarter, plans=plans_by_indicator(i.pk for i in indicators))
    attach_rankings(rows, up_to=quarter.end)
    if not any(row.value is not None for row in rows):
        view.notice = f"There are no published figures for {quarter}."
    view.summary = summarise(rows)
    for key, column in ROW_FILTERS.items():
        if data.get(key):
            rows = [row for row in rows if column(row) == data[key]]
    view.rows = rows
    return view


def overview(request):
    """The quarter on one page: per priority the counts by rating and their trend, what
    changed since the last quarter, and why each measure requiring improvement is red."""
    view = scorecard_for(request)
    found = None
    if view.quarter is not None and view.rows:
        found = build_overview(view.rows, view.quarter)
    quarter_query = (
        urlencode({"year": str(view.quarter.financial_year), "period": f"Q{view.quarter.quarter}"})
        if view.quarter
        else ""
    )
    return render(
        request,
        "indicators/overview.html",
        {
            "view": view,
            "overview": found,
            "quarter": view.quarter,
            "quarter_query": quarter_query,
            "change_titles": CHANGE_TITLES,
            "nav": "scorecard",
        },
    )


def _query(request, **changes) -> str:
    params = {k: v for k, v in request.GET.items() if v}
    params.update({k: v for k, v in changes.items() if v is not None})
    return "?" + urlencode({k: v for k, v in params.items() if v != ""})


def scorecard(request):
    """The scorecard for a quarter: a table per section, a summary, filters and sorting."""
    view = scorecard_for(request, page_rows=True)
    sections = []
    if view.quarter is not None:
        columns = quarter_columns(view.quarter)
        areas = comparator_areas(view.rows)
        for section in Section.objects.all():
            rows = [row for row in view.rows if row.indicator.section_id == section.pk]
            if not rows:
                continue
            table = ScorecardTable(
                rows,
                columns=columns,
                areas=areas,
                rankings=any(row.rankings for row in view.rows),
                order_by_field="sort",
            )
            RequestConfig(request, paginate=False).configure(table)
            sections.append({"section": section, "table": table})
    summary_links = []
    if view.summary:
        summary = view.summary
        for key, count, words in (
            ("green", summary.green, "on track"),
            ("amber", summary.amber, "slightly below"),
            ("red", summary.red, "require improvement"),
            ("none", summary.not_rated, "not rated"),
        ):
            summary_links.append(
                {"key": key, "count": count, "words": words, "query": _query(request, rag=key)}
            )
    context = {
        "view": view,
        "form": view.form,
        "quarter": view.quarter,
        "sections": sections,
        "summary_links": summary_links,
        "csv_query": _query(request),
        "part_published_query": (
            _query(
                request,
                year=str(view.part_published.quarter.financial_year),
                period=f"Q{view.part_published.quarter.quarter}",
            )
            if view.part_published
            else ""
        ),
        "can_draft": request.user.is_authenticated and _drafting_roles(request.user),
        "errors": view.form.errors if view.form.is_bound else {},
        "nav": "scorecard",
        "filtered": any(
            request.GET.get(k)
            for k in (
                "section",
                "service",
                "owner",
                "rag",
                "direction",
                "variation",
                "assurance",
                "forecast",
                "plan",
                "q",
            )
        ),
    }
    return render(request, "indicators/scorecard.html", context)


def export_csv(request):
    """What the scorecard page shows, as CSV, with ratings and directions in words."""
    view = scorecard_for(request)
    header, records = scorecard_records(view.rows, view.quarter)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(view, "csv")}"'
    response.write("\ufeff")  # so Excel reads the pound sign and en dashes correctly
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(records)
    return response


def export_xlsx(request):
    """What the scorecard page shows, as an Excel workbook."""
    view = scorecard_for(request)
    buffer = BytesIO()
    scorecard_workbook(view.rows, view.quarter).save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(view, "xlsx")}"'
    return response


def _filename(view: ScorecardView, extension: str) -> str:
    quarter = str(view.quarter).replace(" ", "-").replace("/", "-") if view.quarter else "empty"
    return f"scorecard-{quarter}.{extension}"


def _reported(reference: str) -> Indicator:
    return get_object_or_404(
        Indicator.objects.for_report().prefetch_related(published_commentary()),
        reference=reference,
    )


def _process_change_form(indicator: Indicator, data=None) -> ProcessChangeForm:
    periods = [p.period for p in spc_series(indicator)][1:]
    return ProcessChangeForm(data, periods=periods, indicator=indicator)


def indicator_detail(request, reference: str):
    """One indicator: definition, trend chart, every figure rated, and commentary."""
    return _indicator_page(request, _reported(reference))


def _indicator_page(request, indicator: Indicator, process_form=None):
    by_kind: dict[str, list[dict]] = {}
    for value in indicator.values.all():
        assessment = assess(indicator, value)
        by_kind.setdefault(value.period.kind, []).append(
            {
                "period": str(value.period),
                "figure": " ".join(filter(None, [value.display, value.qualifier])),
                "status": value.get_status_display(),
                "target": assessment.target_text,
                "rag": assessment.rag,
                "reason": assessment.reason,
                "judged": assessment.judged,
                "direction": assessment.direction,
            }
        )
    commentary = sorted(indicator.published_commentary, key=lambda c: c.period, reverse=True)
    team = is_performance_team(request.user)
    comparison = Benchmarks([indicator]).by_indicator.get(indicator.pk)
    plans = plans_by_indicator([indicator.pk]).get(indicator.pk, [])
    state, figure, reason = _plan_standing(indicator, plans)
    if team and process_form is None:
        process_form = _process_change_form(indicator)
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "process_changes": list(indicator.process_changes.all()),
            "process_form": process_form if team else None,
            "plans": plans,
            "plan_state": state,
            "plan_figure": figure,
            "plan_reason": reason,
            "can_write_plan": state == NEEDED and can_edit_figures(request.user, indicator),
            "indicator": indicator,
            "stretch_goals": stretch_goals(indicator),
            "forecast": year_end_forecast(indicator),
            "charts": (charts := trend_charts(indicator)),
            # A table per kind of period, in the charts' order (kinds with no figure to
            # chart, only reasons it is missing, after them).
            "tables": [
                (KIND_LABELS[kind], ValuesTable(by_kind[kind]))
                for kind in [c.kind for c in charts]
                + sorted(set(by_kind) - {c.kind for c in charts})
            ],
            "comparator_points": (points := comparator_points(indicator)),
            "comparator_ranks": any(point.standing for point in points),
            "comparator_sources": any(point.source for point in points),
            "spc": spc_view(indicator),
            "latest_commentary": commentary[0] if commentary else None,
            "earlier_commentary": commentary[1:],
            "history": audit_trail(indicator)[:50] if team else None,
            "judgeable": (
                [v for v in indicator.values.all() if v.value is not None] if team else None
            ),
            "ratings": list(Rag),
            "comparison": comparison,
            "comparison_figure": (
                comparator_figure(indicator, comparison.council_value) if comparison else ""
            ),
            "comparison_interval": comparison.council_interval if comparison else "",
            "can_import_comparators": team,
        },
    )


@login_required
@require_POST
def add_process_change(request, reference: str):
    """The performance team records a process change; the SPC chart starts a new phase,
    with its own mean and limits, from its period. A refused form is shown again with
    what was typed and each problem named."""
    if not is_performance_team(request.user):
        raise PermissionDenied("Only the performance team records process changes.")
    indicator = _reported(reference)
    form = _process_change_form(indicator, request.POST)
    if not form.is_valid():
        return _indicator_page(request, indicator, form)
    change = services.record_process_change(form.change(), by=request.user)
    messages.success(
        request,
        f"Process change from {change.period} recorded: limits start afresh from there.",
        "process-changes",
    )
    return redirect(f"{reverse('indicators:detail', args=[reference])}#process-changes")


@login_required
@require_POST
def withdraw_process_change(request, reference: str, pk: int):
    if not is_performance_team(request.user):
        raise PermissionDenied("Only the performance team withdraws process changes.")
    indicator = get_object_or_404(Indicator, reference=reference)
    change = get_object_or_404(indicator.process_changes, pk=pk)
    services.withdraw_process_change(change, by=request.user)
    messages.success(request, f"Process change from {change.period} withdrawn.", "process-changes")
    return redirect(f"{reverse('indicators:detail', args=[reference])}#process-changes")


@login_required
@require_POST
def set_judged_rating(request, reference: str):
    """The performance team rates one of the indicator's figures by judgement, or goes back
    to the computed rating; the reason is printed beside it wherever it is shown."""
    if not is_performance_team(request.user):
        raise PermissionDenied("Only the performance team can rate a figure by judgement.")
    indicator = get_object_or_404(Indicator, reference=reference)
    chosen = request.POST.get("figure", "")
    figure = (
        Value.objects.published().filter(indicator=indicator, pk=int(chosen)).first()
        if chosen.isdigit()
        else None
    )
    rating = request.POST.get("rating", "")
    if figure is None:
        messages.error(
            request, "Figure: choose one of the indicator's published figures.", "judgement"
        )
    elif rating not in {"", *Rag}:
        messages.error(
            request,
            "Rating: choose On track, Slightly below or Requires improvement.",
            "judgement",
        )
    else:
        try:
            services.set_judgement(
                value=figure, rag=rating, reason=request.POST.get("reason", ""), by=request.user
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                label = "Reason" if field == "judgement_reason" else "Rating"
                for problem in problems:
                    messages.error(request, f"{label}: {problem}", "judgement")
        else:
            messages.success(
                request,
                f"{figure.period} is rated {Rag(rating).label.lower()} by judgement."
                if rating
                else f"{figure.period} is rated as computed again.",
                "judgement",
            )
    return redirect(f"{reverse('indicators:detail', args=[reference])}#judgement")


def _plan_standing(indicator: Indicator, plans) -> tuple[str | None, Value | None, str]:
    """Whether the indicator's latest figure needs a recovery plan, and why."""
    values = list(indicator.values.all())
    latest = max(values, key=lambda v: (v.period.end, -v.period.months), default=None)
    if latest is None:
        return None, None, ""
    rating = assess(indicator, latest).rag
    year = latest.period.financial_year
    year_end = next((assess(indicator, v).rag for v in values if v.period == year), None)
    state, _ = plan_state(rating, year_end, plans, latest.period.end)
    reason = "requires improvement" if rating is Rag.RED else f"missed the {year} target"
    return state, latest, reason


def indicator_history_csv(request, reference: str):
    """The indicator's whole audit trail as CSV, for the performance team."""
    if not is_performance_team(request.user):
        raise PermissionDenied("Only the performance team can export the audit trail.")
    indicator = get_object_or_404(Indicator, reference=reference)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="history-{indicator.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["When", "Who", "What", "Action", "Field", "Before", "After"])
    for entry in audit_trail(indicator):
        for change in entry.changes or [None]:
            cells = [
                entry.when.isoformat(timespec="seconds"),
                entry.who,
                entry.subject,
                entry.action,
                change.field if change else "",
                change.before if change else "",
                change.after if change else "",
            ]
            writer.writerow([spreadsheet_text(cell) for cell in cells])
    return response


def _drafting_roles(user) -> bool:

    return user.is_superuser or bool(role_names(user) & {CLERK, OFFICER, PERFORMANCE_TEAM})


def draft_summary(request):
    """An executive summary drafted from the quarter's figures (the scorecard's filters
    apply), for an officer or clerk to edit and put into a report they are drafting."""
    from django.contrib import messages
    from django.contrib.auth.views import redirect_to_login

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _drafting_roles(request.user):
        raise PermissionDenied("Drafting summaries is for officers, clerks and the team.")
    reports = [
        report
        for report in Report.objects.select_related("item__meeting__committee").order_by(
            "-item__meeting__starts_at", "item__number"
        )
        if can_edit_report(request.user, report.item, published=is_item_published(report.item))
    ]
    if request.method == "POST":
        chosen = next((r for r in reports if str(r.pk) == request.POST.get("report")), None)
        text = request.POST.get("text", "").strip()
        if chosen is None or not text:
            messages.error(request, "Choose a report you are drafting, and keep some text.")
        else:
            existing = chosen.executive_summary.strip()
            meetings_services.save_report(
                chosen,
                executive_summary=f"{existing}\n\n{text}" if existing else text,
                by=request.user,
            )
            messages.success(
                request, "The draft is in the report's executive summary: edit it there."
            )
            return redirect(
                "meetings:report_edit", pk=chosen.item.meeting_id, number=chosen.item.number
            )
    view = scorecard_for(request)
    text = draft(view.rows, str(view.quarter)).markdown() if view.quarter else ""
    return render(
        request,
        "indicators/summary.html",
        {
            "view": view,
            "quarter": view.quarter,
            "text": text,
            "reports": reports,
            "nav": "scorecard",
        },
    )
