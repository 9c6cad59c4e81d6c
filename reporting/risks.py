"""The risk and opportunity register as members read it: the live register with each
entry's direction of travel, the heat map, what changed between two reviews, and the
register report (page, PDF and meeting appendix)."""

from dataclasses import dataclass

from risks import scoring
from risks.models import Entry, EntryStatus, Review, ReviewEntry, ReviewStatus, RiskMatrix


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


@dataclass
class Line:
    """One entry as the register shows it (live, or frozen in a review)."""

    reference: str
    title: str
    kind: str
    types: str
    inherent: int
    residual: int
    band: scoring.Band
    owner: str
    travel: scoring.Travel
    entry: Entry | None = None

    @property
    def residual_band_sort(self) -> int:
        return self.residual


def current_lines(matrix: scoring.Matrix, entries=None) -> list[Line]:
    """Every open entry with its direction of travel from the latest closed review."""
    before = previous_review()
    previous = {s.entry_id: s for s in before.entries.all()} if before else {}
    entries = entries if entries is not None else Entry.objects.filter(status=EntryStatus.OPEN)
    return [
        Line(
            reference=e.reference,
            title=e.title,
            kind=e.get_kind_display(),
            types=", ".join(t.name for t in e.types.all()),
            inherent=e.inherent_score,
            residual=e.residual_score,
            band=matrix.band(e.residual_score),
            owner=e.owner_title,
            travel=travel_of(e, previous),
            entry=e,
        )
        for e in entries.prefetch_related("types")
    ]


@dataclass
class Cell:
    """One square of the heat map."""

    impact: int
    likelihood: int
    score: int
    band: scoring.Band
    lines: list[Line]


def heat_map(matrix: scoring.Matrix, lines: list[Line], *, residual: bool) -> list[list[Cell]]:
    """Rows from the highest impact down, columns from rare to certain."""
    grid = []
    for impact in range(5, 0, -1):
        row = []
        for likelihood in range(1, 6):
            here = [
                line
                for line in lines
                if (
                    (line.entry.residual_impact, line.entry.residual_likelihood)
                    if residual
                    else (line.entry.inherent_impact, line.entry.inherent_likelihood)
                )
                == (impact, likelihood)
            ]
            score = impact * likelihood
            row.append(Cell(impact, likelihood, score, matrix.band(score), here))
        grid.append(row)
    return grid


def report_context() -> dict:
    matrix = RiskMatrix.current()
    lines = current_lines(matrix)
    latest = Review.objects.filter(status="closed").order_by("-ends_on").first()
    changes = {}
    if latest is not None:
        for change in changes_between(previous_review(latest), latest):
            changes.setdefault(change.reference, []).append(change)
    cover = [
        (line, changes.get(line.reference, []))
        for line in lines
        if matrix.on_cover_report(line.residual)
    ]
    return {
        "lines": lines,
        "cover": cover,
        "matrix": matrix,
        "band_css": matrix.stylesheet(),
        "review": latest,
        "key_rows": [
            (matrix.impact_name(i), [(i * j, matrix.band(i * j)) for j in range(1, 6)])
            for i in range(5, 0, -1)
        ],
    }


@dataclass
class RegisterLine:
    reference: str
    title: str
    kind: str
    description: str
    types: str
    consequences: str
    controls: str
    inherent: int
    actions: str
    residual: int
    band: scoring.Band
    owner: str
    travel: str
    comment: str


def register_lines(review) -> tuple[list[RegisterLine], scoring.Matrix]:
    """The register as it stood when the review closed; for an open review, as it stands."""
    matrix = RiskMatrix.current()
    if review is not None and review.status == "closed":
        lines = [
            RegisterLine(
                reference=s.reference,
                title=s.title,
                kind=s.kind,
                description=s.data.get("description", ""),
                types=", ".join(s.data.get("types", [])),
                consequences=s.data.get("consequences", ""),
                controls=s.data.get("controls", ""),
                inherent=s.inherent_score,
                actions=s.actions,
                residual=s.residual_score,
                band=matrix.band(s.residual_score),
                owner=s.data.get("owner", ""),
                travel=scoring.Travel(s.travel).label,
                comment=s.data.get("comment", ""),
            )
            for s in review.entries.all()
            if s.status == EntryStatus.OPEN
        ]
        return lines, matrix

    before = previous_review()
    previous = {s.entry_id: s for s in before.entries.all()} if before else {}
    lines = [
        RegisterLine(
            reference=e.reference,
            title=e.title,
            kind=e.kind,
            description=e.description,
            types=", ".join(t.name for t in e.types.all()),
            consequences=e.consequences,
            controls=e.controls,
            inherent=e.inherent_score,
            actions=e.actions,
            residual=e.residual_score,
            band=matrix.band(e.residual_score),
            owner=e.owner_title,
            travel=travel_of(e, previous).label,
            comment=e.comment,
        )
        for e in Entry.objects.filter(status=EntryStatus.OPEN).prefetch_related("types")
    ]
    return lines, matrix
