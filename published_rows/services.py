"""Writes of the stored scorecard rows: a quarter's rows worked out when it is published,
and an indicator's rows worked out again when something printed in them changes. Each is
called inside the transaction of the change it follows."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from indicators.periods import FinancialQuarter
from published_rows.models import StoredQuarter, StoredRow
from reporting.scorecard import Row
from reporting.stored_rows import encode_row, live_rows


def _stored(stored: StoredQuarter, row: Row) -> StoredRow:
    return StoredRow(
        stored_quarter=stored,
        indicator=row.indicator,
        data=encode_row(row),
        rag_key=row.rag_key,
        direction=row.direction.value if row.direction else "",
        variation_key=row.variation_key,
        assurance_key=row.assurance_key,
        forecast_key=row.forecast_key,
        plan_state=row.plan_state or "",
        has_value=row.value is not None,
    )


def _write(stored: StoredQuarter, indicators: list[int] | None) -> None:
    rows = live_rows(stored.quarter, indicators)
    old = StoredRow.objects.filter(stored_quarter=stored)
    if indicators is not None:
        old = old.filter(indicator_id__in=indicators)
    old.delete()
    StoredRow.objects.bulk_create([_stored(stored, row) for row in rows])
    stored.save(update_fields=["refreshed_at"])


@transaction.atomic
def store_quarter(quarter: FinancialQuarter) -> StoredQuarter:
    """Work out and store every indicator's row for the quarter (again, if stored before)."""
    stored, _ = StoredQuarter.objects.get_or_create(quarter=quarter)
    _write(stored, None)
    return stored


@transaction.atomic
def refresh_indicators(indicators: Iterable[int], *, since: date | None = None) -> int:
    """Work out again the stored rows of these indicators, in every stored quarter ending on
    or after `since` (a figure, target or comparator reaches the quarters after its own
    through the history columns, direction of travel and SPC). Returns how many quarters."""
    chosen = sorted(set(indicators))
    if not chosen:
        return 0
    quarters = [
        stored
        for stored in StoredQuarter.objects.all()
        if since is None or stored.quarter.end >= since
    ]
    for stored in quarters:
        _write(stored, chosen)
    return len(quarters)
