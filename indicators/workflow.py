"""The period return: officers enter figures, the performance team returns or signs them
off and publishes the quarter. Every step is a service function here, used by the pages,
the Excel importer and the tests alike.

States of a figure: draft -> submitted -> (returned -> submitted ...) -> signed off ->
published. A correction to a published figure is a new revision that goes through the
same steps, while members keep seeing the published one until the new one is published.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from indicators.models import (
    Commentary,
    Frequency,
    Indicator,
    Publication,
    Value,
    ValueState,
)
from indicators.periods import (
    AcademicYear,
    FinancialQuarter,
    Month,
    Period,
    RollingWindow,
    Term,
)
from indicators.roles import can_edit_figures, is_performance_team

NOT_STARTED = "not_started"
STATE_LABELS = {NOT_STARTED: "Not started", **dict(ValueState.choices)}
OFFICER_EDITABLE = {ValueState.DRAFT, ValueState.RETURNED, ValueState.PUBLISHED}


class WorkflowError(ValidationError):
    """A step the figure's state does not allow, explained."""


class EditConflict(WorkflowError):
    """Someone else saved the figure since the form was opened."""

    def __init__(self, current: Value):
        self.current = current
        super().__init__(
            f"{current.indicator.reference} {current.period}: someone else saved this figure "
            f"while you were editing it. It is now {current.display or '-'} "
            f"({current.get_state_display().lower()}); your change was not saved. "
            "Check it and save again."
        )


def due_periods(indicator: Indicator, quarter: FinancialQuarter) -> list[Period]:
    """The periods an indicator's return asks for in a quarter, allowing for its lag."""
    for _ in range(indicator.reporting_lag):
        quarter = quarter.previous()
    frequency = indicator.frequency
    if frequency == Frequency.QUARTERLY:
        return [quarter]
    if frequency == Frequency.MONTHLY:
        first = Month(quarter.start.year, quarter.start.month)
        return [first, first.plus(1), first.plus(2)]
    if frequency == Frequency.ANNUAL:
        return [quarter.financial_year] if quarter.quarter == 4 else []
    if frequency == Frequency.ROLLING:
        last = Month(quarter.end.year, quarter.end.month)
        return [RollingWindow(last.plus(-11), last)]
    if frequency == Frequency.ACADEMIC_YEAR:
        year = AcademicYear(quarter.end.year - 1)
        return [year] if quarter.contains(year.end) else []
    if frequency == Frequency.TERMLY:
        terms = [Term(s, quarter.end.year) for s in ("autumn", "spring", "summer")]
        return [t for t in terms if quarter.contains(t.end)]
    return []


@dataclass
class ReturnLine:
    """One indicator's figure due in a quarter's return, with its current state."""

    indicator: Indicator
    period: Period
    value: Value | None
    commentary: Commentary | None

    @property
    def state(self) -> str:
        return self.value.state if self.value else NOT_STARTED

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def key(self) -> str:
        return f"{self.indicator.pk}-{self.period.key}"


def current_rows(keys: set[tuple[int, Period]]) -> tuple[dict, dict]:
    """The current figure and the commentary for each (indicator id, period), in two
    queries, keyed the same way."""
    ids = {pk for pk, _ in keys}
    periods = {p for _, p in keys}
    values = {
        (v.indicator_id, v.period): v
        for v in Value.objects.current().filter(indicator_id__in=ids, period__in=periods)
    }
    notes = {
        (c.indicator_id, c.period): c
        for c in Commentary.objects.filter(indicator_id__in=ids, period__in=periods)
    }
    return values, notes


def return_lines(indicators, quarter: FinancialQuarter) -> list[ReturnLine]:
    """The lines of a quarter's return for these indicators, in a fixed number of queries."""
    indicators = list(indicators)
    values, notes = current_rows({(i.pk, p) for i in indicators for p in due_periods(i, quarter)})
    lines = []
    for indicator in indicators:
        for period in due_periods(indicator, quarter):
            key = (indicator.pk, period)
            value = values.get(key)
            if value is not None:
                value.indicator = indicator  # already fetched: no query per line
            lines.append(ReturnLine(indicator, period, value, notes.get(key)))
    return lines


@dataclass(frozen=True)
class Entry:
    """What an officer typed for one line of the return."""

    value: Decimal | None
    count: Decimal | None = None
    missing_reason: str = ""
    status: str = "final"
    issues: str = ""
    causes: str = ""
    actions: str = ""


def _same(value: Value, entry: Entry) -> bool:
    return (
        value.value == entry.value
        and value.count == entry.count
        and value.missing_reason == entry.missing_reason
        and value.status == entry.status
    )


@transaction.atomic
def save_entry(
    *,
    indicator: Indicator,
    period: Period,
    entry: Entry,
    by,
    expected_version: int | None = None,
    submit: bool = False,
) -> Value:
    """Save one line of a return as a draft (or submit it). Refuses what the user may not
    change, and a save over someone else's newer one."""
    if not can_edit_figures(by, indicator):
        raise PermissionDenied(f"You cannot enter figures for {indicator.reference}.")
    current = (
        Value.objects.select_for_update()
        .current()
        .filter(indicator=indicator, period=period)
        .first()
    )
    # A form opened on a line not yet started expects no figure at all (version 0): a
    # figure saved since is someone else's, not one to overwrite.
    if current and expected_version is not None and current.version != expected_version:
        raise EditConflict(current)
    if current and current.state not in OFFICER_EDITABLE and not is_performance_team(by):
        raise WorkflowError(
            f"{indicator.reference} {period} is {current.get_state_display().lower()}; "
            "the performance team must return it before it can be changed."
        )
    target_state = ValueState.SUBMITTED if submit else ValueState.DRAFT
    unchanged_figure = current is not None and _same(current, entry)
    if current is None:
        row = Value(indicator=indicator, period=period)
    elif current.state == ValueState.PUBLISHED:
        if unchanged_figure:
            row = current  # nothing to correct
        else:
            current.is_current = False
            current._history_user = by
            current.save(update_fields=["is_current"])
            row = Value(indicator=indicator, period=period, revision=current.revision + 1)
    else:
        row = current
    if row.pk is None or row.state != ValueState.PUBLISHED:
        changed = row.pk is None or not _same(row, entry) or row.state != target_state
        row.value, row.count = entry.value, entry.count
        row.missing_reason, row.status = entry.missing_reason, entry.status
        if changed:
            if row.state == ValueState.RETURNED and not submit:
                target_state = ValueState.RETURNED  # still returned until resubmitted
            row.state = target_state
            if target_state == ValueState.SUBMITTED:
                row.return_reason = ""
            row.version = (row.version or 0) + 1 if row.pk else 1
            row.full_clean()
            row._history_user = by
            row.save()
    _save_commentary(indicator, period, entry, by)
    return row


def _save_commentary(indicator, period, entry: Entry, by) -> None:
    text = (entry.issues.strip(), entry.causes.strip(), entry.actions.strip())
    note = Commentary.objects.filter(indicator=indicator, period=period).first()
    if note is None and not any(text):
        return
    note = note or Commentary(indicator=indicator, period=period)
    if (note.issues, note.causes, note.actions) == text:
        return
    note.issues, note.causes, note.actions = text
    if not any(text):
        published = Value.objects.published().filter(indicator=indicator, period=period)
        if published.exists():
            return  # nothing is deleted from a published period
        note._history_user = by
        note.delete()
        return
    note.full_clean()
    note._history_user = by
    note.save()


def _require_team(by) -> None:
    if not is_performance_team(by):
        raise PermissionDenied("Only the performance team can do that.")


def _transition(value: Value, by, *, to: str, allowed: set[str], **fields) -> Value:
    if value.state not in allowed:
        raise WorkflowError(
            f"{value.indicator.reference} {value.period} is "
            f"{value.get_state_display().lower()}, so it cannot be {STATE_LABELS[to].lower()}."
        )
    value.state = to
    for name, field_value in fields.items():
        setattr(value, name, field_value)
    value.version += 1
    value._history_user = by
    value.save()
    return value


@transaction.atomic
def return_figure(*, value: Value, reason: str, by) -> Value:
    """Send a submitted figure back to its officer with the reason."""
    _require_team(by)
    if not reason.strip():
        raise WorkflowError({"reason": "Say why the figure is being returned."})
    return _transition(
        value,
        by,
        to=ValueState.RETURNED,
        allowed={ValueState.SUBMITTED, ValueState.SIGNED_OFF},
        return_reason=reason.strip(),
    )


@transaction.atomic
def sign_off(*, values: list[Value], by) -> int:
    """Sign off submitted figures; all or none."""
    _require_team(by)
    for value in values:
        _transition(value, by, to=ValueState.SIGNED_OFF, allowed={ValueState.SUBMITTED})
    return len(values)


@transaction.atomic
def publish_quarter(*, quarter: FinancialQuarter, by) -> Publication:
    """Publish every signed-off figure of a quarter's return: members see them from now
    on, and a published correction supersedes the figure it corrects."""
    _require_team(by)
    periods = {p for i in Indicator.objects.all() for p in due_periods(i, quarter)}
    ready = list(
        Value.objects.current()
        .select_for_update()
        .filter(state=ValueState.SIGNED_OFF, period__in=periods)
        .select_related("indicator")
    )
    if not ready:
        # Also what the second of two simultaneous publications finds once the first has
        # committed: it records nothing rather than an empty publication.
        raise WorkflowError(
            f"{quarter} has nothing signed off to publish: its signed-off figures may have "
            "just been published. Check the figures below."
        )
    for value in ready:
        older = Value.objects.filter(
            indicator=value.indicator_id, period=value.period, revision__lt=value.revision
        ).exclude(superseded=True)
        for previous in older:
            previous.superseded = True
            previous._history_user = by
            previous.save(update_fields=["superseded"])
        value.state = ValueState.PUBLISHED
        value.version += 1
        value._history_user = by
        value.save()
    return Publication.objects.create(quarter=quarter, published_by=by, figures=len(ready))
