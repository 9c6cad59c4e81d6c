"""Reading a meeting's agenda: its items with what the papers show, which items a published
issue carries or one being rendered will, and what stops items being published. Reads and
checks only; the writes are in `services.py`, the rendering in `tasks.py`."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from meetings.models import (
    AgendaItem,
    Appendix,
    AppendixKind,
    IssueStatus,
    ItemKind,
    Meeting,
    MeetingStatus,
    PackIssue,
    Part,
)
from meetings.uploads import check_pdf


def items_queryset(meeting: Meeting):
    """A meeting's items with everything the agenda, the reports and the pack show."""
    return meeting.items.select_related("report", "minutes_of__committee").prefetch_related(
        Prefetch(
            "report__appendices",
            queryset=Appendix.objects.select_related("review").prefetch_related(
                "sections", "plans"
            ),
        ),
        "minutes_of__attendance",
        "minutes_of__items",
    )


def published_numbers(meeting: Meeting) -> set[int]:
    """Numbers of the items some published issue of the papers carries."""
    numbers: set[int] = set()
    for items in meeting.issues.filter(status=IssueStatus.READY).values_list("items", flat=True):
        numbers.update(items)
    return numbers


def is_item_published(item: AgendaItem) -> bool:
    return item.number in published_numbers(item.meeting)


def rendering_numbers(meeting: Meeting) -> set[int]:
    """Numbers of the items an issue being queued or rendered will publish: they stay as
    they are until it is published or fails, so the pack prints what the clerk checked."""
    numbers: set[int] = set()
    in_progress = meeting.issues.filter(status__in=[IssueStatus.QUEUED, IssueStatus.RENDERING])
    for items in in_progress.values_list("items", flat=True):
        numbers.update(items)
    return numbers


ITEM_LOCKED = (
    "Item {number} is in the papers being rendered now, so it cannot change until they are "
    "published; then a correction goes out as a new item. If the render fails, edit it then."
)


def current_issue(meeting: Meeting) -> PackIssue | None:
    return meeting.issues.filter(status=IssueStatus.READY).order_by("-number").first()


_TRAILING = (ItemKind.URGENT, ItemKind.NEXT_MEETING)


def next_report_number(meeting: Meeting) -> int:
    """Where a new report goes: before Urgent Business and Date of Next Meeting in a draft
    agenda; after every published item otherwise."""
    items = list(meeting.items.all())
    if meeting.status == MeetingStatus.DRAFT:
        trailing = [i.number for i in items if i.kind in _TRAILING]
        if trailing:
            return min(trailing)
    return max((i.number for i in items), default=0) + 1


def publication_problems(meeting: Meeting, items: list[AgendaItem]) -> list[str]:
    """Why these items cannot be published, each naming the item; empty when they can."""
    problems = []
    if not items:
        problems.append("There is nothing new to publish: add an item to the agenda first.")
    seen: dict[int, AgendaItem] = {}
    for item in meeting.items.all():
        if item.number in seen:
            problems.append(
                f"Two items are numbered {item.number}: {seen[item.number].title} and "
                f"{item.title}. Give each item its own number."
            )
        seen[item.number] = item
    for item in items:
        name = f"Item {item.number} ({item.title})"
        if item.part == Part.TWO and (not item.exempt_paragraph or not item.exempt_reason.strip()):
            problems.append(
                f"{name} is in Part II: give the paragraph of Schedule 12A that applies and "
                "the reason it is exempt."
            )
        if item.kind != ItemKind.REPORT:
            continue
        report = getattr(item, "report", None)
        if report is None or report.is_empty:
            problems.append(
                f"{name}: the report is empty. Write its executive summary and background "
                "and advice before publishing."
            )
            continue
        for appendix in report.appendices.all():
            problems.extend(f"{name}, {p}" for p in appendix_problems(appendix))
    return problems


def appendix_problems(appendix: Appendix) -> list[str]:
    label = f"Appendix '{appendix.letter}'"
    if appendix.kind == AppendixKind.UPLOAD:
        if not appendix.file:
            return [f"{label} has no PDF uploaded."]
        try:
            with appendix.file.open("rb") as handle:
                check_pdf(handle.read(), name=label)
        except ValidationError as error:
            return error.messages
        except OSError:
            return [f"{label}: the uploaded PDF is missing from storage; upload it again."]
    if appendix.kind == AppendixKind.WRITTEN and not appendix.body.strip():
        return [f"{label} is empty."]
    if appendix.kind == AppendixKind.PERFORMANCE and appendix.quarter is None:
        return [f"{label}: choose the quarter the performance report is for."]
    if appendix.kind == AppendixKind.RISK_REGISTER and appendix.review is None:
        return [f"{label}: choose the review of the register to show."]
    if appendix.kind == AppendixKind.RECOVERY_PLANS and not appendix.plans.all():
        return [f"{label}: choose at least one recovery plan."]
    return []


def pending_items(meeting: Meeting, items: list[AgendaItem] | None = None) -> list[AgendaItem]:
    published = published_numbers(meeting)
    items = items if items is not None else list(items_queryset(meeting))
    return [item for item in items if item.number not in published]
