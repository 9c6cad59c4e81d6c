"""Reading a meeting's agenda: its items with what the papers show, which items a published
issue carries or one being rendered will, and what stops items being published. Reads and
checks only; the writes are in `services.py`, the rendering in `tasks.py`."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse

from meetings.models import (
    AgendaItem,
    Appendix,
    AppendixKind,
    IssueStatus,
    ItemKind,
    ItemPaper,
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


def papers_of(issue: PackIssue | None) -> dict[int, ItemPaper]:
    """The items of an issue that have a PDF of their own, by number."""
    return {paper.number: paper for paper in issue.papers.all()} if issue else {}


def current_paper(meeting: Meeting, number: int) -> ItemPaper | None:
    issue = current_issue(meeting)
    return issue.papers.filter(number=number).first() if issue else None


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


@dataclass(frozen=True)
class Check:
    """Something the clerk should put right before publishing, and where to do it.
    A blocking one stops publication; the others are worth a look (an empty "Date of Next
    Meeting" is allowed, but rarely meant)."""

    text: str
    url: str = ""
    blocking: bool = True


def publication_checks(meeting: Meeting, items: list[AgendaItem]) -> list[Check]:
    """What to check before these items are published, each naming the item and linking to
    the page that fixes it; blocking ones first."""
    checks = []
    if not items:
        checks.append(Check("There is nothing new to publish: add an item to the agenda first."))
    seen: dict[int, AgendaItem] = {}
    for item in meeting.items.all():
        if item.number in seen:
            checks.append(
                Check(
                    f"Two items are numbered {item.number}: {seen[item.number].title} and "
                    f"{item.title}. Give each item its own number.",
                    _item_url(item),
                )
            )
        seen[item.number] = item
    for item in items:
        name = f"Item {item.number} ({item.title})"
        if item.part == Part.TWO and (not item.exempt_paragraph or not item.exempt_reason.strip()):
            checks.append(
                Check(
                    f"{name} is in Part II: give the paragraph of Schedule 12A that applies "
                    "and the reason it is exempt.",
                    _item_url(item),
                )
            )
        if item.kind == ItemKind.MINUTES and not item.minutes_of_id and not item.body.strip():
            checks.append(
                Check(
                    f"{name} says nothing: choose the meeting whose minutes are confirmed, or "
                    "write what the item asks.",
                    _item_url(item),
                    blocking=False,
                )
            )
        if item.kind == ItemKind.NEXT_MEETING and not item.body.strip():
            checks.append(
                Check(f"{name}: give the date of the next meeting.", _item_url(item), False)
            )
        if item.kind != ItemKind.REPORT:
            continue
        report = getattr(item, "report", None)
        report_url = reverse("meetings:report_edit", args=[meeting.pk, item.number])
        if report is None or report.is_empty:
            checks.append(
                Check(
                    f"{name}: the report is empty. Write its executive summary and background "
                    "and advice before publishing.",
                    report_url,
                )
            )
            continue
        if not report.executive_summary.strip():
            checks.append(Check(f"{name}: the report has no executive summary.", report_url, False))
        for appendix in report.appendices.all():
            checks.extend(Check(f"{name}, {p}", report_url) for p in appendix_problems(appendix))
    return sorted(checks, key=lambda check: not check.blocking)


def _item_url(item: AgendaItem) -> str:
    return reverse("meetings:item_edit", args=[item.meeting_id, item.number])


def publication_problems(meeting: Meeting, items: list[AgendaItem]) -> list[str]:
    """Why these items cannot be published, each naming the item; empty when they can."""
    return [check.text for check in publication_checks(meeting, items) if check.blocking]


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
