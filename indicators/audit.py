"""One indicator's audit trail: every change to it and to its figures, targets, comparators,
process changes and commentary, with who made it, when, and each field before and after."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from indicators.models import Commentary, Comparator, Indicator, ProcessChange, Target, Value

_SKIPPED = {"id", "period_start", "period_end", "indicator", "recorded_by", "recorded_at"}


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after a change."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditEntry:
    """One saved change to the indicator or one of its rows."""

    when: datetime
    who: str
    action: str
    subject: str
    changes: tuple[FieldChange, ...]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Stored with six places; show what was typed: 34.800000 -> 34.8.
        return f"{value.normalize():f}"
    return str(value)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def audit_trail(indicator: Indicator) -> list[AuditEntry]:
    """Newest first. One query per kind of row, whatever the length of the history."""
    sources = [
        (Indicator, {"id": indicator.pk}),
        (Value, {"indicator_id": indicator.pk}),
        (Target, {"indicator_id": indicator.pk}),
        (Comparator, {"indicator_id": indicator.pk}),
        (ProcessChange, {"indicator_id": indicator.pk}),
        (Commentary, {"indicator_id": indicator.pk}),
    ]
    entries: list[AuditEntry] = []
    for model, lookup in sources:
        fields = [
            f.name
            for f in model._meta.fields
            if f.name not in _SKIPPED and not f.name.startswith("history")
        ]
        records = (
            model.history.filter(**lookup)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous_of: dict[int, object] = {}
        for record in records:
            previous = previous_of.get(record.id)
            changes = []
            for name in fields:
                before = _text(getattr(previous, name, None)) if previous else ""
                after = _text(getattr(record, name))
                if record.history_type == "-":
                    before, after = after, ""
                if before != after:
                    changes.append(FieldChange(_label(model, name), before, after))
            previous_of[record.id] = record
            subject = model._meta.verbose_name.capitalize()
            if hasattr(record, "period") and model is not Target:
                subject = f"{subject} {record.period}"
            elif model is Target:
                subject = f"{subject} {record.period or record.year}"
            entries.append(
                AuditEntry(
                    when=record.history_date,
                    who=(record.history_user.get_username() if record.history_user else "system"),
                    action=record.get_history_type_display(),
                    subject=subject,
                    changes=tuple(changes),
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
