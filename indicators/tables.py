"""django-tables2 tables of the scorecard, styled with GOV.UK Frontend's table classes."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

TABLE_ATTRS = {
    "class": "govuk-table scorecard-table",
    "thead": {"class": "govuk-table__head"},
    "tbody": {"class": "govuk-table__body"},
    "th": {"class": "govuk-table__header", "scope": "col"},
    "td": {"class": "govuk-table__cell"},
}


def _labelled(label: str, *, numeric: bool = False) -> dict:
    """Cell attributes: the GOV.UK class, and the column's name for the narrow-screen layout."""
    cell = "govuk-table__cell" + (" govuk-table__cell--numeric" if numeric else "")
    header = "govuk-table__header" + (" govuk-table__header--numeric" if numeric else "")
    return {"td": {"class": cell, "data-label": label}, "th": {"class": header, "scope": "col"}}


class BaseTable(tables.Table):
    """Shared look of every table: GOV.UK classes, no pagination, a header per column."""

    class Meta:
        attrs = TABLE_ATTRS
        template_name = "indicators/_table.html"
        default = "-"


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


class ScorecardTable(BaseTable):
    """One section of the scorecard: the columns of the council's quarterly report."""

    measure = tables.Column(
        verbose_name="Performance measure",
        accessor="indicator__title",
        order_by=("indicator__title",),
        attrs=_labelled("Performance measure"),
    )
    polarity = tables.Column(
        verbose_name="Good is high or low",
        accessor="indicator__polarity",
        attrs=_labelled("Good is high or low"),
    )

    class Meta(BaseTable.Meta):
        attrs = {**TABLE_ATTRS, "class": "govuk-table scorecard-table app-scorecard"}
        sequence = ("measure", "polarity", "...")
        template_name = "indicators/_scorecard_table.html"

    def __init__(self, rows, *, columns, areas, rankings: bool = False, **kwargs):
        extra = []
        for index, column in enumerate(columns[:-1]):
            extra.append(
                (
                    f"history_{index}",
                    tables.Column(
                        verbose_name=str(column),
                        accessor=f"history__{index}__text",
                        order_by=(f"history__{index}__sort_key",),
                        attrs=_labelled(str(column), numeric=True),
                    ),
                )
            )
        current = str(columns[-1])
        extra += [
            (
                "current",
                tables.Column(
                    verbose_name=current,
                    accessor="current__text",
                    order_by=("current__sort_key",),
                    attrs=_labelled(current, numeric=True),
                ),
            ),
            ("target", tables.Column(verbose_name="Target", attrs=_labelled("Target"))),
            (
                "rag",
                tables.Column(
                    verbose_name="Rating",
                    empty_values=(),
                    order_by=("rag_rank",),
                    attrs=_labelled("Rating"),
                ),
            ),
            (
                "direction",
                tables.Column(
                    verbose_name="Direction of travel",
                    empty_values=(),
                    order_by=("direction_word",),
                    attrs=_labelled("Direction of travel"),
                ),
            ),
        ]
        extra += [
            (
                "forecast",
                tables.Column(
                    verbose_name="Year-end forecast",
                    empty_values=(),
                    order_by=("forecast_rank",),
                    attrs=_labelled("Year-end forecast"),
                ),
            ),
            (
                "variation",
                tables.Column(
                    verbose_name="Variation (SPC)",
                    empty_values=(),
                    order_by=("variation_key",),
                    attrs=_labelled("Variation (SPC)"),
                ),
            ),
            (
                "assurance",
                tables.Column(
                    verbose_name="Assurance (SPC)",
                    empty_values=(),
                    order_by=("assurance_key",),
                    attrs=_labelled("Assurance (SPC)"),
                ),
            ),
        ]
        for area, label in areas:
            extra.append(
                (
                    f"comparator_{area}",
                    tables.Column(
                        verbose_name=label,
                        accessor=f"comparators__{area}",
                        default="-",
                        attrs=_labelled(label, numeric=True),
                    ),
                )
            )
        if rankings:
            extra.append(
                (
                    "rankings",
                    tables.Column(
                        verbose_name="Among other councils",
                        empty_values=(),
                        orderable=False,
                        attrs=_labelled("Among other councils"),
                    ),
                )
            )
        super().__init__(rows, extra_columns=extra, **kwargs)
        # Hundreds of rows: each row's HTML is put together once, in Python, rather than
        # through django-tables2's per-cell machinery (the table still owns columns and
        # sorting). The cells carry no classes: the scorecard's stylesheet gives them the
        # GOV.UK table's look and, on a phone, each fixed column's name (app.scss); only the
        # columns named by the data (periods, comparators) carry their name as data-label.
        labelled = [
            format_html(' data-label="{}"', self.columns[f"history_{index}"].header)
            for index in range(len(columns) - 1)
        ]
        labelled.append(format_html(' data-label="{}"', self.columns["current"].header))
        areas_labelled = [format_html(' data-label="{}"', label) for _, label in areas]
        for row in rows:
            row.html = self._row_html(row, labelled, areas_labelled, areas, rankings)

    def _row_html(self, row, labelled, areas_labelled, areas, rankings) -> str:
        figures = [*row.history, row.current]
        parts = [
            '<tr><th scope="row">',
            self.render_measure(row),
            "</th><td>",
            self.render_polarity(row),
            "</td>",
        ]
        for label, cell in zip(labelled, figures, strict=True):
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
        for label, (area, _) in zip(areas_labelled, areas, strict=True):
            parts += [
                "<td",
                label,
                ">",
                conditional_escape(row.comparators.get(area, "-")),
                "</td>",
            ]
        if rankings:
            parts += [
                '<td class="app-rankings">',
                format_html_join(mark_safe("<br>"), "{}", ((r,) for r in row.rankings)) or "-",
                "</td>",
            ]
        parts.append("</tr>")
        return mark_safe("".join(parts))

    def render_measure(self, record):
        indicator = record.indicator
        return format_html(
            '<a href="{}">{}</a> <span class="ref">{}</span>',
            reverse("indicators:detail", args=[indicator.reference]),
            indicator.title,
            indicator.reference,
        )

    def render_polarity(self, record):
        polarity = record.indicator.polarity_enum
        return format_html('<abbr title="{}">{}</abbr>', polarity.label, polarity.short)

    def render_rag(self, record):
        return rag_badge(record.rag, judged=record.judged)

    def render_direction(self, record):
        return direction_badge(record.direction)


class ValuesTable(BaseTable):
    """Every figure of one indicator, oldest first, each with its rating."""

    period = tables.Column(verbose_name="Period", attrs=_labelled("Period"))
    figure = tables.Column(verbose_name="Figure", attrs=_labelled("Figure", numeric=True))
    status = tables.Column(verbose_name="Status", attrs=_labelled("Status"))
    target = tables.Column(verbose_name="Target", attrs=_labelled("Target"))
    rag = tables.Column(verbose_name="Rating", empty_values=(), attrs=_labelled("Rating"))
    direction = tables.Column(
        verbose_name="Direction of travel", empty_values=(), attrs=_labelled("Direction")
    )

    class Meta(BaseTable.Meta):
        orderable = False

    def render_rag(self, value, record):
        return format_html(
            "{}{}", rag_badge(value, judged=record["judged"]), rag_reason(record["reason"])
        )

    def render_direction(self, value):
        return direction_badge(value)
