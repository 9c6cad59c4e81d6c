"""Writes to the register: entries, and the quarterly reviews that freeze them."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from indicators.periods import FinancialQuarter
from risks import scoring
from risks.models import Entry, EntryStatus, Review, ReviewEntry, ReviewStatus


@transaction.atomic
def save_entry(entry: Entry, *, by=None) -> Entry:
    """Validate the whole entry and save it with its audit record."""
    entry.full_clean()
    if by is not None:
        entry._history_user = by
    entry.save()
    return entry


def previous_review(review: Review | None = None) -> Review | None:
    """The latest closed review (before `review`, when given)."""
    closed = Review.objects.filter(status=ReviewStatus.CLOSED)
    if review is not None:
        closed = closed.exclude(pk=review.pk).filter(ends_on__lt=review.quarter.end)
    return closed.order_by("-ends_on").first()


def travel_of(entry: Entry, previous: dict[int, ReviewEntry]) -> scoring.Travel:
    """Direction of travel: the officer's override, else from the previous review."""
    if entry.travel_override:
        return scoring.Travel(entry.travel_override)
    before = previous.get(entry.pk)
    return scoring.direction(before.residual_score if before else None, entry.residual_score)


@transaction.atomic
def open_review(*, quarter: FinancialQuarter) -> Review:
    """Start a quarterly review; only one may be open at a time."""
    open_ = Review.objects.filter(status=ReviewStatus.OPEN).first()
    if open_ is not None:
        raise ValidationError(f"{open_} is still open: close it before starting another.")
    if Review.objects.filter(quarter=quarter).exists():
        raise ValidationError(f"There is already a review for {quarter}.")
    return Review.objects.create(quarter=quarter)


@transaction.atomic
def close_review(review: Review) -> Review:
    """Freeze every entry as it stands into the review; the next review starts from it."""
    if review.status != ReviewStatus.OPEN:
        raise ValidationError(f"{review} is already closed.")
    before = previous_review(review)
    previous = {s.entry_id: s for s in before.entries.all()} if before else {}
    snapshots = []
    for entry in Entry.objects.prefetch_related("types"):
        if entry.status == EntryStatus.CLOSED and entry.pk not in previous:
            continue
        snapshots.append(
            ReviewEntry(
                review=review,
                entry=entry,
                reference=entry.reference,
                title=entry.title,
                kind=entry.kind,
                status=entry.status,
                inherent_impact=entry.inherent_impact,
                inherent_likelihood=entry.inherent_likelihood,
                residual_impact=entry.residual_impact,
                residual_likelihood=entry.residual_likelihood,
                travel=travel_of(entry, previous).value,
                actions=entry.actions,
                data={
                    "description": entry.description,
                    "types": [t.name for t in entry.types.all()],
                    "consequences": entry.consequences,
                    "controls": entry.controls,
                    "owner": entry.owner_title,
                    "comment": entry.comment,
                },
            )
        )
    ReviewEntry.objects.bulk_create(snapshots)
    review.status, review.closed_at = ReviewStatus.CLOSED, timezone.now()
    review.save(update_fields=["status", "closed_at"])
    return review


@dataclass(frozen=True)
class Change:
    """What happened to one entry between two reviews."""

    reference: str
    title: str
    what: str  # "added", "closed", "rescored", "new actions"
    before: int | None = None
    after: int | None = None


def changes_between(before: Review | None, after: Review) -> list[Change]:
    """Entries added, closed, rescored (residual from and to) or given new actions."""
    old = {s.entry_id: s for s in before.entries.all()} if before else {}
    changes = []
    for snap in after.entries.all():
        was = old.get(snap.entry_id)
        if was is None:
            changes.append(Change(snap.reference, snap.title, "added", None, snap.residual_score))
            continue
        if snap.status == EntryStatus.CLOSED and was.status != EntryStatus.CLOSED:
            changes.append(Change(snap.reference, snap.title, "closed"))
        if snap.residual_score != was.residual_score:
            changes.append(
                Change(
                    snap.reference, snap.title, "rescored", was.residual_score, snap.residual_score
                )
            )
        if snap.actions.strip() != was.actions.strip():
            changes.append(Change(snap.reference, snap.title, "new actions"))
    return changes
