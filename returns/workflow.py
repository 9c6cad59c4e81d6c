"""The period return: officers enter figures, the performance team returns or signs them
off and publishes the quarter. Every step is a service function here, used by the pages,
the Excel importer and the tests alike.

States of a figure: draft -> submitted -> (returned -> submitted ...) -> signed off ->
published. A correction to a published figure is a new revision that goes through the
same steps, while members keep seeing the published one until the new one is published.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from indicators.models import (
    Commentary,
    Indicator,
    Publication,
    Value,
    ValueState,
    due_periods,
)
from indicators.periods import (
    FinancialQuarter,
    Period,
)
from indicators.rag import Rag
from indicators.roles import PERFORMANCE_TEAM, can_edit_figures, is_performance_team
from notifications.services import notify
from published_rows.services import refreshed_once, store_quarter
from reporting.assessment import assess
from returns.lines import quarter_url_args
from scorecard.bulk import new

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


def current_rows(keys: set[tuple[int, Period]]) -> dict[tuple[int, Period], Value]:
    """The current revision of each (indicator id, period), with its commentary, in one
    query."""
    ids = {pk for pk, _ in keys}
    periods = {p for _, p in keys}
    return {
        (v.indicator_id, v.period): v
        for v in Value.objects.current()
        .filter(indicator_id__in=ids, period__in=periods)
        .select_related("commentary")
    }


def commentary_of(value: Value | None) -> Commentary | None:
    """The commentary written with a revision, if any."""
    if value is None:
        return None
    try:
        return value.commentary
    except Commentary.DoesNotExist:
        return None


def return_lines(indicators, quarter: FinancialQuarter) -> list[ReturnLine]:
    """The lines of a quarter's return for these indicators, in a fixed number of queries."""
    indicators = list(indicators)
    values = current_rows({(i.pk, p) for i in indicators for p in due_periods(i, quarter)})
    lines = []
    for indicator in indicators:
        for period in due_periods(indicator, quarter):
            value = values.get((indicator.pk, period))
            if value is not None:
                value.indicator = indicator  # already fetched: no query per line
            lines.append(ReturnLine(indicator, period, value, commentary_of(value)))
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

    @property
    def text(self) -> tuple[str, str, str]:
        return (self.issues.strip(), self.causes.strip(), self.actions.strip())


def _same(value: Value, entry: Entry) -> bool:
    return (
        value.value == entry.value
        and value.count == entry.count
        and value.missing_reason == entry.missing_reason
        and value.status == entry.status
    )


def _held_text(note: Commentary | None) -> tuple[str, str, str]:
    return tuple(t.strip() for t in note.text) if note else ("", "", "")


@dataclass
class Step:
    """What saving one line does: the revision written (a new one has no pk yet), the
    published revision it takes over from, and its commentary written or removed. `row` is
    None when the line is as held."""

    row: Value | None = None
    retired: Value | None = None
    note: Commentary | None = None
    dropped_note: Commentary | None = None


def plan_entry(
    *,
    indicator: Indicator,
    period: Period,
    current: Value | None,
    entry: Entry,
    submit: bool,
    team: bool,
) -> Step:
    """The one state machine of the return, for the form and the workbook import alike.

    Commentary is part of its figure's revision: it is drafted, submitted, returned,
    signed off and published with it. Changing the commentary of a published figure starts
    a new revision, as a corrected figure does, and members keep seeing the published
    figure and commentary until that revision is published. It is printed "revised" only
    if its figure changed (decided when it is published)."""
    held_note = commentary_of(current)
    text = entry.text
    if (
        current is not None
        and _same(current, entry)
        and _held_text(held_note) == text
        # Only submitting a draft moves a line on; saving leaves a submitted or signed-off
        # line where it is.
        and not (submit and current.state in {ValueState.DRAFT, ValueState.RETURNED})
    ):
        return Step()
    if current is not None and current.state not in OFFICER_EDITABLE and not team:
        raise WorkflowError(
            f"{indicator.reference} {period} is {current.get_state_display().lower()}; "
            "the performance team must return it before it can be changed."
        )
    step = Step()
    # new(): as Value(...) makes it, faster, for the thousands of lines of an import.
    if current is None:
        row = new(Value, indicator=indicator, period=period)
    elif current.state == ValueState.PUBLISHED:
        step.retired = current
        current.is_current = False
        row = new(
            Value,
            indicator=indicator,
            period=period,
            revision=current.revision + 1,
            qualifier=current.qualifier,
        )
        held_note = None  # the published commentary stays with the published revision
    else:
        row = current
    target_state = ValueState.SUBMITTED if submit else ValueState.DRAFT
    if submit:
        _require_explanation(indicator, period, entry)
    if row.state == ValueState.RETURNED and not submit:
        target_state = ValueState.RETURNED  # still returned until resubmitted
    row.value, row.count = entry.value, entry.count
    row.missing_reason, row.status = entry.missing_reason, entry.status
    row.state = target_state
    if target_state == ValueState.SUBMITTED:
        row.return_reason = ""
    row.version = row.version + 1 if row.pk else 1
    step.row = row
    if any(text):
        note = held_note or new(Commentary, indicator=indicator, period=period)
        if note.pk is None or _held_text(note) != text:
            note.issues, note.causes, note.actions = text
            step.note = note
    elif held_note is not None:
        step.dropped_note = held_note
    return step


def _require_explanation(indicator: Indicator, period: Period, entry: Entry) -> None:
    """A figure that requires improvement is submitted with its causes and the actions
    taken, as the committee papers always give them."""
    if entry.value is None or (entry.causes.strip() and entry.actions.strip()):
        return
    figure = Value(indicator=indicator, period=period, value=entry.value, count=entry.count)
    if assess(indicator, figure).rag is Rag.RED:
        missing = " and ".join(
            name
            for name, text in (("causes", entry.causes), ("actions", entry.actions))
            if not text.strip()
        )
        raise WorkflowError(
            f"{indicator.reference} {period} requires improvement: give its {missing} "
            "before submitting it."
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
) -> Value | None:
    """Save one line of a return, figure and commentary, as a draft (or submit it).
    Refuses what the user may not change, and a save over someone else's newer one.
    Returns the revision saved, or the one held when nothing changed."""
    if not can_edit_figures(by, indicator):
        raise PermissionDenied(f"You cannot enter figures for {indicator.reference}.")
    # The indicator's row is locked first: a line not started has no figure to lock, and two
    # first saves would otherwise both insert one (a 500 on PostgreSQL).
    Indicator.objects.select_for_update().filter(pk=indicator.pk).exists()
    current = (
        Value.objects.select_for_update(of=("self",))
        .current()
        .filter(indicator=indicator, period=period)
        .select_related("commentary")
        .first()
    )
    # A form opened on a line not yet started expects no figure at all (version 0): a
    # figure saved since is someone else's, not one to overwrite.
    if current and expected_version is not None and current.version != expected_version:
        raise EditConflict(current)
    step = plan_entry(
        indicator=indicator,
        period=period,
        current=current,
        entry=entry,
        submit=submit,
        team=is_performance_team(by),
    )
    if step.retired is not None:
        step.retired._history_user = by
        step.retired.save(update_fields=["is_current"])
    if step.row is None:
        return current
    step.row.full_clean()
    step.row._history_user = by
    step.row.save()
    if step.note is not None:
        step.note.figure = step.row
        step.note.full_clean()
        step.note._history_user = by
        step.note.save()
    if step.dropped_note is not None:
        step.dropped_note._history_user = by
        step.dropped_note.delete()
    return step.row


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
    value = _transition(
        value,
        by,
        to=ValueState.RETURNED,
        allowed={ValueState.SUBMITTED, ValueState.SIGNED_OFF},
        return_reason=reason.strip(),
    )
    indicator = value.indicator
    quarter = value.period.financial_quarter
    notify(
        "figure_returned",
        [indicator.owner, *indicator.delegates.all()] if indicator.owner else [],
        context={
            "indicator": indicator,
            "period_label": str(value.period),
            "reason": value.return_reason,
            "returned_by": by.get_full_name() or by.get_username(),
            "return_path": reverse("returns:form", args=quarter_url_args(quarter)),
        },
        key=f"value {value.pk} version {value.version}",
    )
    return value


def announce_submission(*, values: list[Value], by, quarter: FinancialQuarter) -> None:
    """Tell the performance team that an officer submitted figures: one e-mail for the
    whole submission, naming each figure."""
    submitted = [v for v in values if v.state == ValueState.SUBMITTED]
    if not submitted:
        return
    team = (
        get_user_model()
        .objects.filter(groups__name=PERFORMANCE_TEAM, is_active=True)
        .exclude(pk=by.pk)
    )
    notify(
        "return_submitted",
        team,
        context={
            "count": len(submitted),
            "quarter_label": str(quarter),
            "submitted_by": by.get_full_name() or by.get_username(),
            "lines": [
                f"{v.indicator.reference} {v.indicator.title} ({v.period})" for v in submitted
            ],
            "review_path": reverse("returns:review", args=quarter_url_args(quarter)),
        },
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
    # Hundreds of figures: the stored rows they reach are worked out once, at the end.
    with refreshed_once():
        for value in ready:
            older = Value.objects.filter(
                indicator=value.indicator_id, period=value.period, revision__lt=value.revision
            ).exclude(superseded=True)
            for previous in older:
                if previous.state == ValueState.PUBLISHED:
                    # "Revised" once the figure itself differs from one published before; a
                    # revision that only rewrote the commentary is not.
                    value.corrects_figure = previous.corrects_figure or (
                        previous.value,
                        previous.count,
                        previous.missing_reason,
                    ) != (value.value, value.count, value.missing_reason)
                previous.superseded = True
                previous._history_user = by
                previous.save(update_fields=["superseded"])
            value.state = ValueState.PUBLISHED
            value.version += 1
            value._history_user = by
            value.save()
        publication = Publication.objects.create(
            quarter=quarter, published_by=by, figures=len(ready)
        )
    # The quarter's scorecard rows are worked out now, once; those of any stored quarter a
    # figure published here reaches were worked out again as the block above ended.
    store_quarter(quarter)
    return publication
