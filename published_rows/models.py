"""A published quarter's scorecard rows, worked out once when the quarter is published
and again whenever something printed in them changes (published_rows.services)."""

from django.db import models

from indicators import periods
from indicators.fields import PeriodField
from indicators.models import Indicator


class StoredQuarter(models.Model):
    """A quarter whose scorecard rows are stored, one per indicator."""

    quarter = PeriodField(unique=True, period_kind=periods.FINANCIAL_QUARTER)
    refreshed_at = models.DateTimeField(auto_now=True)
    # What code wrote the rows (reporting.stored_rows.CODE_VERSION): rows written by another
    # release are not read, but worked out live until `store_published_rows` writes them again.
    code_version = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["quarter"]

    def __str__(self) -> str:
        return f"Stored scorecard rows for {self.quarter}"


class StoredRow(models.Model):
    """One indicator's scorecard row for a stored quarter: what the live computation
    (reporting.scorecard.build_rows) gives, encoded by reporting.stored_rows, with the
    keys the scorecard's filters read as columns of their own."""

    stored_quarter = models.ForeignKey(StoredQuarter, on_delete=models.CASCADE, related_name="rows")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField()
    # What the scorecard page reads, without decoding `data`: the row's markup up to its
    # comparators (reporting.row_html.row_head), and its comparators, rankings and sort keys.
    head = models.TextField()
    page = models.JSONField()
    rag_key = models.CharField(max_length=10)
    direction = models.CharField(max_length=12, blank=True)
    variation_key = models.CharField(max_length=12)
    assurance_key = models.CharField(max_length=14)
    forecast_key = models.CharField(max_length=12)
    plan_state = models.CharField(max_length=10, blank=True)
    has_value = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stored_quarter", "indicator"], name="one_stored_row_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} in {self.stored_quarter}"
