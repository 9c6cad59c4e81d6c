"""django-tables2 tables of the scorecard."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class BaseTable(tables.Table):
    """Shared look of every table: the app's CSS classes and no pagination."""

    class Meta:
        attrs = {"class": "table"}
        orderable = False
        default = "-"


def rag_badge(rag) -> str:
    if rag is None:
        return mark_safe('<span class="rag rag--none">Not rated</span>')
    return format_html(
        '<span class="rag rag--{}"><span aria-hidden="true">{}</span> {}</span>',
        rag.value,
        rag.symbol,
        rag.label,
    )


def direction_badge(direction) -> str:
    if direction is None:
        return "-"
    return format_html(
        '<span class="dot dot--{}"><span aria-hidden="true">{}</span> {}</span>',
        direction.value,
        direction.symbol,
        direction.label,
    )


class ScorecardTable(BaseTable):
    """One section of the scorecard for a chosen quarter."""

    measure = tables.Column(verbose_name="Performance measure")
    polarity = tables.Column(verbose_name="Good is high or low")
    figure = tables.Column(verbose_name="Figure")
    target = tables.Column(verbose_name="Target")
    rag = tables.Column(verbose_name="Rating", empty_values=())
    direction = tables.Column(verbose_name="Direction of travel", empty_values=())
    england = tables.Column(verbose_name="England average", default="-")

    def render_measure(self, record):
        indicator = record["indicator"]
        return format_html(
            '<a href="{}">{}</a> <span class="ref">{}</span>',
            reverse("indicators:detail", args=[indicator.reference]),
            indicator.title,
            indicator.reference,
        )

    def render_polarity(self, value):
        return format_html('<abbr title="{}">{}</abbr>', value.label, value.short)

    def render_rag(self, value):
        return rag_badge(value)

    def render_direction(self, value):
        return direction_badge(value)


class ValuesTable(BaseTable):
    """Every figure of one indicator, oldest first, each with its rating."""

    period = tables.Column(verbose_name="Period")
    figure = tables.Column(verbose_name="Figure")
    status = tables.Column(verbose_name="Status")
    target = tables.Column(verbose_name="Target")
    rag = tables.Column(verbose_name="Rating", empty_values=())
    direction = tables.Column(verbose_name="Direction of travel", empty_values=())

    def render_rag(self, value):
        return rag_badge(value)

    def render_direction(self, value):
        return direction_badge(value)
