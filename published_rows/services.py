"""Writes of the stored scorecard rows: a quarter's rows worked out when it is published,
and an indicator's rows worked out again, in the transaction of the change, whenever
something printed in them changes.

Whatever saves a figure, target, benchmark, process change, indicator or recovery plan,
through a service, a form or the admin, reaches `refresh_indicators` through the model
signals connected in `published_rows.apps`; the bulk writers (the catalogue and comparator
imports, which send no signals) call it themselves. Inside `refreshed_once()` the changes are
collected and the rows they reach are worked out once, at the end."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import wraps

from django.db import transaction

from indicators.models import Indicator, Value, ValueState
from indicators.periods import FinancialQuarter, Snapshot
from published_rows.models import StoredQuarter, StoredRow
from reporting.row_html import period_labels, row_head
from reporting.scorecard import Row, quarter_columns
from reporting.stored_rows import CODE_VERSION, encode_row, live_rows, page_data

EVERY_INDICATOR = None  # what `refresh_indicators` is given when a change reaches them all

# While `refreshed_once()` runs: the indicators to work out again (None for every one), each
# with the earliest day its changes reach (None for every stored quarter).
_pending: ContextVar[dict | None] = ContextVar("stored_rows_pending", default=None)
_EVERY = "every"


def _stored(stored: StoredQuarter, row: Row, labels) -> StoredRow:
    return StoredRow(
        stored_quarter=stored,
        indicator=row.indicator,
        data=encode_row(row),
        head=row_head(row, labels),
        page=page_data(row),
        rag_key=row.rag_key,
        direction=row.direction.value if row.direction else "",
        variation_key=row.variation_key,
        assurance_key=row.assurance_key,
        forecast_key=row.forecast_key,
        plan_state=row.plan_state or "",
        has_value=row.value is not None,
    )


def _write(stored: StoredQuarter, indicators: list[int] | None) -> None:
    # One writer of a quarter's rows at a time: a second waits for the first to commit,
    # then replaces what it wrote (PostgreSQL; SQLite writes one at a time anyway).
    stored = StoredQuarter.objects.select_for_update().get(pk=stored.pk)
    if stored.code_version != CODE_VERSION:
        indicators = None  # rows written by other code: every one is written again
    rows = live_rows(stored.quarter, indicators)
    old = StoredRow.objects.filter(stored_quarter=stored)
    if indicators is not None:
        old = old.filter(indicator_id__in=indicators)
    old.delete()
    labels = period_labels(quarter_columns(stored.quarter))
    StoredRow.objects.bulk_create([_stored(stored, row, labels) for row in rows])
    stored.code_version = CODE_VERSION
    stored.save(update_fields=["refreshed_at", "code_version"])


@transaction.atomic
def store_quarter(quarter: FinancialQuarter) -> StoredQuarter:
    """Work out and store every indicator's row for the quarter (again, if stored before)."""
    stored, _ = StoredQuarter.objects.get_or_create(quarter=quarter)
    _write(stored, None)
    return stored


def published_quarters() -> list[FinancialQuarter]:
    """Every financial quarter from the one of the first published figure to the latest's."""
    ends = Value.objects.published().order_by("period_end").values_list("period_end", flat=True)
    if not ends:
        return []
    first = Snapshot(ends.first()).financial_quarter
    quarters = [Snapshot(ends.last()).financial_quarter]
    while quarters[0] != first:
        quarters.insert(0, quarters[0].previous())
    return quarters


@transaction.atomic
def store_published(*, stale_only: bool = False) -> int:
    """Store the rows of every quarter with published figures (a council's figures loaded
    before its rows were stored, the demo council), or with `stale_only` those not stored
    yet or stored by other code (after an upgrade); how many quarters."""
    quarters = published_quarters()
    if stale_only:
        current = set(
            StoredQuarter.objects.filter(code_version=CODE_VERSION).values_list(
                "quarter", flat=True
            )
        )
        quarters = [quarter for quarter in quarters if quarter not in current]
    for quarter in quarters:
        store_quarter(quarter)
    pending = _pending.get()
    if pending is not None and not stale_only:
        pending.clear()  # every stored row was just worked out
    return len(quarters)


def refresh_indicators(indicators: Iterable[int] | None, *, since: date | None = None) -> int:
    """Work out again the stored rows of these indicators (None: every indicator), in every
    stored quarter ending on or after `since` (a figure, target or comparator reaches the
    quarters after its own through the history columns, direction of travel and SPC).
    Returns how many quarters; inside `refreshed_once()`, none until it ends."""
    pending = _pending.get()
    if pending is not None:
        for key in [_EVERY] if indicators is None else indicators:
            if key in pending and pending[key] is not None and since is not None:
                pending[key] = min(pending[key], since)
            elif key not in pending:
                pending[key] = since
            else:
                pending[key] = None
        return 0
    chosen = None if indicators is None else sorted(set(indicators))
    if chosen == []:
        return 0
    # Quarters stored by other code are not read (and `store_published_rows` writes them
    # again): a change leaves them be.
    quarters = [
        stored
        for stored in StoredQuarter.objects.filter(code_version=CODE_VERSION)
        if since is None or stored.quarter.end >= since
    ]
    if quarters:
        with transaction.atomic():
            for stored in quarters:
                _write(stored, chosen)
    return len(quarters)


@contextmanager
def refreshed_once() -> Iterator[None]:
    """Collect the changes made inside, and work out the stored rows they reach once, at the
    end (a publication of hundreds of figures, an import). Nested, the outermost one does."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set({})
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    if _EVERY in pending:
        refresh_indicators(EVERY_INDICATOR, since=pending[_EVERY])
        return
    by_since: dict[date | None, list[int]] = {}
    for indicator, since in pending.items():
        by_since.setdefault(since, []).append(indicator)
    for since, indicators in sorted(by_since.items(), key=lambda item: item[0] or date.min):
        refresh_indicators(indicators, since=since)


# The model signals (connected in published_rows.apps) -------------------------------------


def _not_raw(handler):
    """Rows loaded as they are (loaddata, a restored backup) bring their stored rows along."""

    @wraps(handler)
    def handle(sender, instance=None, **kwargs):
        if not kwargs.get("raw"):
            handler(sender, instance=instance, **kwargs)

    return handle


@_not_raw
def indicator_saved(sender, instance: Indicator, **kwargs) -> None:
    refresh_indicators([instance.pk])


@_not_raw
def target_saved(sender, instance, **kwargs) -> None:
    """A target, or a process change: every stored quarter of its indicator (a stretch goal
    reaches back, SPC's limits run from the change on)."""
    refresh_indicators([instance.indicator_id])


@_not_raw
def comparator_saved(sender, instance, **kwargs) -> None:
    """A benchmark applies to its period and those after it until a newer one."""
    refresh_indicators([instance.indicator_id], since=instance.period_start)


@_not_raw
def value_saved(sender, instance: Value, **kwargs) -> None:
    """Only a published figure is printed: drafts, submissions and sign-off change nothing."""
    if instance.state == ValueState.PUBLISHED:
        refresh_indicators([instance.indicator_id], since=instance.period_start)


@_not_raw
def plan_saved(sender, instance, **kwargs) -> None:
    """A recovery plan's title, or whether it is open: the plan notes of what it covers."""
    refresh_indicators(instance.indicators.values_list("pk", flat=True))


@_not_raw
def plan_deleting(sender, instance, **kwargs) -> None:
    instance._covered_indicators = list(instance.indicators.values_list("pk", flat=True))


@_not_raw
def plan_deleted(sender, instance, **kwargs) -> None:
    refresh_indicators(getattr(instance, "_covered_indicators", []))


@_not_raw
def plan_coverage_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Indicators added to or taken off a plan (from either side of the relation)."""
    if action == "pre_clear" and not reverse:
        instance._covered_indicators = list(instance.indicators.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # an indicator's plans changed
        refresh_indicators([instance.pk])
        return
    refresh_indicators(set(pk_set or ()) | set(getattr(instance, "_covered_indicators", ())))


@_not_raw
def benchmarks_changed(sender, instance=None, **kwargs) -> None:
    """The national figures, areas and comparator groups: the rankings of every indicator."""
    refresh_indicators(EVERY_INDICATOR)
