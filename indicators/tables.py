"""django-tables2 tables of the scorecard, styled with GOV.UK Frontend's table classes."""

import django_tables2 as tables
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from reporting.row_html import (
    direction_badge,
    period_labels,
    rag_badge,
    rag_reason,
    rankings_cell,
    row_head,
    row_markup,
)
from reporting.stored_rows import StoredPageRow

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
        # Hundreds of rows: each row's markup is put together once, in Python, rather than
        # through django-tables2's per-cell machinery (the table still owns the columns and
        # sorting). A stored quarter's rows come with their heads made (reporting.row_html).
        labels = period_labels(columns)
        areas_labelled = [(area, format_html(' data-label="{}"', label)) for area, label in areas]
        for row in rows:
            head = row.head if isinstance(row, StoredPageRow) else row_head(row, labels)
            row.html = row_markup(
                head,
                row.comparators,
                areas_labelled,
                rankings_cell(row.rankings) if rankings else None,
            )


class ValuesTable(BaseTable):
    """Every figure of one indicator, oldest first, each with its rating.

    The page shows a figure a row for every period; its markup (`html`) is put together
    once, in Python, with the same classes and labels django-tables2's template gave each
    cell, rather than through the per-cell machinery and a template render per table."""

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

    TEXT_COLUMNS = ("period", "figure", "status", "target")

    def render_rag(self, value, record):
        return format_html(
            "{}{}", rag_badge(value, judged=record["judged"]), rag_reason(record["reason"])
        )

    def render_direction(self, value):
        return direction_badge(value)

    @cached_property
    def html(self) -> str:
        attrs = self.attrs
        columns = list(self.columns)
        opening = {column.name: column.attrs["td"].as_html() for column in columns}
        parts = [
            format_html(
                '<div class="table-wrap">\n<table {}>\n<thead {}><tr class="govuk-table__row">',
                attrs.as_html(),
                attrs["thead"].as_html(),
            ),
            *(
                format_html("<th {}>{}</th>", column.attrs["th"].as_html(), column.header)
                for column in columns
            ),
            format_html("</tr></thead>\n<tbody {}>\n", attrs["tbody"].as_html()),
        ]
        for record in self.data:
            # The period heads its row, in a header cell with the cell's look, as before.
            parts += ['<tr class="govuk-table__row"><th ', opening["period"], ' scope="row">']
            parts += [_text(record["period"]), "</th>"]
            for name in self.TEXT_COLUMNS[1:]:
                parts += ["<td ", opening[name], ">", _text(record[name]), "</td>"]
            parts += ["<td ", opening["rag"], ">", self.render_rag(record["rag"], record)]
            parts += ["</td><td ", opening["direction"], ">"]
            parts += [direction_badge(record["direction"]), "</td></tr>\n"]
        if not self.data:
            parts.append(
                format_html(
                    '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{}">'
                    "{}</td></tr>\n",
                    len(columns),
                    self.empty_text or "Nothing to show.",
                )
            )
        parts.append("</tbody>\n</table>\n</div>")
        return mark_safe("".join(parts))


def _text(value) -> str:
    """A text cell as django-tables2 showed it: escaped, or the table's "-" when empty."""
    return "-" if value in (None, "") else conditional_escape(value)
