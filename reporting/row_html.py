"""The scorecard's markup for a row, put together in Python: the page's tables print
hundreds of rows, and a published quarter's rows are stored with their markup already made
(published_rows), so the page joins strings rather than rendering cells.

The badges are shared by every page and PDF that prints a rating, a direction of travel or
an SPC judgement. The cells carry no classes: the scorecard's stylesheet gives them the GOV.UK
table's look and, on a phone, each fixed column's name (app.scss); only the columns named by
the data (periods, comparators) carry their name as data-label."""

from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def rag_badge(rag, *, judged: bool = False) -> str:
    if rag is None:
        return format_html('<strong class="govuk-tag rag rag--none">{}</strong>', "Not rated")
    return format_html(
        '<strong class="govuk-tag rag rag--{}"><span aria-hidden="true">{} </span>{}</strong>',
        rag.value,
        rag.symbol,
        f"{rag.label} (judgement)" if judged else rag.label,
    )


def rag_reason(reason: str) -> str:
    """Under a rating: why a figure is not rated, or the reason given for a judgement."""
    if not reason:
        return ""
    return format_html('<span class="govuk-body-s app-rag-reason">{}</span>', reason)


def plan_note(row) -> str:
    """Under the rating: "Recovery plan needed", or a link to the plan that covers it."""
    if row.plan_state == "needed":
        # To the indicator's page, which says why and offers its officers "Write a plan".
        return format_html(
            '<a class="govuk-link app-plan-note app-plan-note--needed" href="{}#recovery-plan">'
            '{}<span class="govuk-visually-hidden">: {}</span></a>',
            reverse("indicators:detail", args=[row.indicator.reference]),
            "Recovery plan needed",
            row.indicator.title,
        )
    if row.plan_state == "covered":
        return format_html(
            '<a class="govuk-link app-plan-note" href="{}">{}<span class="govuk-visually-hidden">'
            ": {}</span></a>",
            reverse("recovery_plans:detail", args=[row.plan.pk]),
            "Recovery plan" if row.plan.is_open else "Recovery plan (closed)",
            row.plan.title,
        )
    return ""


def direction_badge(direction) -> str:
    if direction is None:
        return "-"
    return format_html(
        '<span class="dot dot--{}"><span aria-hidden="true">{} </span>{}</span>',
        direction.value,
        direction.symbol,
        direction.label,
    )


def spc_badge(judgement) -> str:
    if judgement is None:
        return format_html('<span class="app-spc-none">{}</span>', "Not enough data")
    return format_html(
        '<strong class="govuk-tag app-spc app-spc--{}">{}</strong>',
        judgement.value,
        judgement.label,
    )


def forecast_badge(row) -> str:
    """The year-end forecast in words with its verdict, or why there is none."""
    forecast = row.forecast
    if forecast is None:
        return format_html('<span class="app-forecast-none">{}</span>', "No forecast")
    if forecast.verdict is None:
        return format_html("Forecast: {}", forecast.text)
    return format_html(
        'Forecast: {} <strong class="govuk-tag app-forecast app-forecast--{}">'
        '<span aria-hidden="true">{} </span>{}</strong>',
        forecast.text,
        forecast.verdict.value,
        forecast.verdict.symbol,
        forecast.verdict.label,
    )


def measure_cell(indicator) -> str:
    return format_html(
        '<a href="{}">{}</a> <span class="ref">{}</span>',
        reverse("indicators:detail", args=[indicator.reference]),
        indicator.title,
        indicator.reference,
    )


def polarity_cell(indicator) -> str:
    polarity = indicator.polarity_enum
    return format_html('<abbr title="{}">{}</abbr>', polarity.label, polarity.short)


def period_labels(columns) -> list[SafeString]:
    """The data-label of each period column, the chosen quarter last."""
    return [format_html(' data-label="{}"', str(column)) for column in columns]


def row_head(row, labels: list[SafeString]) -> SafeString:
    """A row's markup up to its comparators: the cells every view of the quarter prints
    the same, whichever comparators and filters the page shows."""
    parts = [
        '<tr><th scope="row">',
        measure_cell(row.indicator),
        "</th><td>",
        polarity_cell(row.indicator),
        "</td>",
    ]
    for label, cell in zip(labels, [*row.history, row.current], strict=True):
        parts += ["<td", label, ">", conditional_escape(cell.text), "</td>"]
    parts += [
        "<td>",
        conditional_escape(row.target),
        "</td><td>",
        rag_badge(row.rag, judged=row.judged),
        rag_reason(row.rag_reason),
        plan_note(row),
        "</td><td>",
        direction_badge(row.direction),
        "</td><td>",
        forecast_badge(row),
        "</td><td>",
        spc_badge(row.variation),
        "</td><td>",
        spc_badge(row.assurance),
        "</td>",
    ]
    return mark_safe("".join(parts))


def rankings_cell(rankings: list[str]) -> SafeString:
    """The "Among other councils" cell: the council's rank in each comparison, one a line."""
    listed = format_html_join(mark_safe("<br>"), "{}", ((r,) for r in rankings))
    return format_html('<td class="app-rankings">{}</td>', listed or "-")


def row_markup(head: str, comparators: dict, areas_labelled, rankings) -> SafeString:
    """The whole row: its head, a cell per comparator the page shows, and (when any row has
    one) its rankings cell, `rankings` being that cell's markup or None."""
    parts = [head]
    for area, label in areas_labelled:
        parts += ["<td", label, ">", conditional_escape(comparators.get(area, "-")), "</td>"]
    if rankings is not None:
        parts.append(rankings)
    parts.append("</tr>")
    return mark_safe("".join(parts))
