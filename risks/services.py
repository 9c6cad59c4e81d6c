"""Writes to the register: entries, and the quarterly reviews that freeze them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from indicators.periods import FinancialQuarter
from reporting.risks import previous_review, travel_of
from risks.models import Entry, EntryStatus, Review, ReviewEntry, ReviewStatus, RiskMatrix
from scorecard.saving import changed_by, save_checked


@transaction.atomic
def save_entry(entry: Entry, *, by=None) -> Entry:
    """Validate the whole entry and save it with its audit record."""
    return save_checked(entry, by)


@transaction.atomic
def save_matrix(matrix: RiskMatrix, *, by=None) -> RiskMatrix:
    """Validate the key to scores (levels, bands, threshold) and save it with its audit
    record."""
    return save_checked(matrix, by)


@transaction.atomic
def open_review(*, quarter: FinancialQuarter, by=None) -> Review:
    """Start a quarterly review; only one may be open at a time."""
    open_ = Review.objects.filter(status=ReviewStatus.OPEN).first()
    if open_ is not None:
        raise ValidationError(f"{open_} is still open: close it before starting another.")
    if Review.objects.filter(quarter=quarter).exists():
        raise ValidationError(f"There is already a review for {quarter}.")
    review = Review(quarter=quarter)
    review.full_clean(exclude=["ends_on"])  # derived from the quarter on save
    changed_by(review, by)
    review.save()
    return review


@transaction.atomic
def close_review(review: Review, *, by=None) -> Review:
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
    review.full_clean()
    changed_by(review, by)
    review.save(update_fields=["status", "closed_at"])
    return review
