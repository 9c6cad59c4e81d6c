"""What clerks and report authors do to meetings: build agendas, publish packs, record
minutes. Publication is all or nothing: the pack is rendered first, and only when every PDF
is written are the appendices frozen, the files stored and the meeting published."""

import logging
import os
import re
import time
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from meetings.appendices import render_generated
from meetings.models import (
    STANDARD_TITLES,
    AgendaItem,
    Appendix,
    AppendixKind,
    Attendance,
    IssueKind,
    IssueStatus,
    ItemKind,
    Meeting,
    MeetingStatus,
    PackIssue,
    Part,
    Report,
)
from meetings.pack import render_pack
from meetings.uploads import check_pdf, clean_copy

log = logging.getLogger(__name__)


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


# Building the agenda ---------------------------------------------------------------------


def create_meeting(*, committee, starts_at, venue, signatory="", signatory_title="") -> Meeting:
    """A draft meeting with the standard items every agenda has, minutes of the committee's
    last meeting included when there is one."""
    with transaction.atomic():
        meeting = Meeting.objects.create(
            committee=committee,
            starts_at=starts_at,
            venue=venue,
            signatory=signatory,
            signatory_title=signatory_title,
        )
        last = (
            Meeting.objects.filter(committee=committee, starts_at__lt=starts_at)
            .exclude(pk=meeting.pk)
            .order_by("-starts_at")
            .first()
        )
        standard = [
            (ItemKind.APOLOGIES, STANDARD_TITLES[ItemKind.APOLOGIES], ""),
            (
                ItemKind.INTERESTS,
                STANDARD_TITLES[ItemKind.INTERESTS],
                "Members are asked to consider any Pecuniary and Non-Pecuniary Interests they "
                "may have to disclose to the meeting in relation to matters under "
                "consideration on the Agenda.",
            ),
            (
                ItemKind.MINUTES,
                f"Minutes of the Meeting held on {last.date_text.split(', ', 1)[1]}"
                if last
                else STANDARD_TITLES[ItemKind.MINUTES],
                "",
            ),
            (ItemKind.URGENT, STANDARD_TITLES[ItemKind.URGENT], URGENT_BUSINESS),
            (ItemKind.NEXT_MEETING, STANDARD_TITLES[ItemKind.NEXT_MEETING], ""),
        ]
        for number, (kind, title, body) in enumerate(standard, start=1):
            AgendaItem.objects.create(
                meeting=meeting,
                number=number,
                kind=kind,
                title=title,
                body=body,
                minutes_of=last if kind == ItemKind.MINUTES else None,
            )
    return meeting


URGENT_BUSINESS = (
    "An item of Urgent Business may only be considered under this heading where, by reason "
    "of special circumstances to be recorded in the minutes, the Chair of the meeting is of "
    "the opinion that the item should be considered at the meeting as a matter of urgency."
)

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


@transaction.atomic
def add_item(meeting: Meeting, *, number: int, **fields) -> AgendaItem:
    """Put an item on the agenda at `number`. In a draft agenda the items from there on move
    down one; once the agenda is published its numbers are fixed, so the number must be
    free."""
    taken = meeting.items.filter(number=number).first()
    if taken is not None:
        if number in published_numbers(meeting) or meeting.status != MeetingStatus.DRAFT:
            raise ValidationError(
                {
                    "number": f"Item {number} is already on the published agenda ({taken.title}); "
                    "choose a number that is free."
                }
            )
        for later in meeting.items.filter(number__gte=number).order_by("-number"):
            later.number += 1
            later.save(update_fields=["number"])
    item = AgendaItem(
        meeting=meeting,
        number=number,
        supplementary=meeting.status != MeetingStatus.DRAFT,
        **fields,
    )
    item.full_clean()
    item.save()
    if item.kind == ItemKind.REPORT:
        Report.objects.create(item=item)
    return item


@transaction.atomic
def remove_item(item: AgendaItem) -> None:
    """Take an unpublished item off the agenda; in a draft agenda the items after it move up
    one, so the numbering has no gap."""
    meeting, number = item.meeting, item.number
    uploads = [
        (appendix.file.storage, appendix.file.name)
        for appendix in Appendix.objects.filter(report__item=item, kind=AppendixKind.UPLOAD)
        if appendix.file
    ]
    item.delete()
    # The files go only once the removal is committed.
    for storage, name in uploads:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    if meeting.status == MeetingStatus.DRAFT:
        for later in meeting.items.filter(number__gt=number).order_by("number"):
            later.number -= 1
            later.save(update_fields=["number"])


def save_upload(appendix: Appendix, data: bytes, filename: str) -> Appendix:
    """Store an uploaded PDF appendix once it has passed every check."""
    appendix.page_count = check_pdf(data, name=f'"{filename}"')
    # What is stored and served is a rewritten copy of the pages, never the upload itself.
    appendix.file.save(_safe_name(filename), ContentFile(clean_copy(data)), save=False)
    appendix.save()
    return appendix


def _safe_name(filename: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", filename.rsplit("/", 1)[-1]).strip("-.")
    return (stem or "appendix")[:80].removesuffix(".pdf") + ".pdf"


# Publishing ------------------------------------------------------------------------------


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


ALREADY_PUBLISHING = (
    "These papers are already being published: wait for them to finish, then publish "
    "again if anything is left."
)


def request_publication(meeting: Meeting, *, by=None) -> PackIssue:
    """Check what would be published and queue its rendering. The meeting is published when
    the worker has written every PDF; until then nothing a reader sees changes.

    The checks and the new issue are one transaction holding the meeting's row, so of
    clicks that arrive together one queues an issue and the others are told it is on its
    way; the render is queued once that transaction has committed."""
    try:
        with transaction.atomic():
            # PostgreSQL locks the row; SQLite's writers already take turns, as each
            # transaction begins immediate.
            meeting = (
                Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
            )
            in_progress = [IssueStatus.QUEUED, IssueStatus.RENDERING]
            if meeting.issues.filter(status__in=in_progress).exists():
                raise ValidationError(ALREADY_PUBLISHING)
            if meeting.status == MeetingStatus.HELD:
                raise ValidationError("The meeting has been held; its papers can no longer change.")
            new = pending_items(meeting)
            problems = publication_problems(meeting, new)
            if problems:
                raise ValidationError(problems)
            number = (meeting.issues.aggregate(n=Max("number"))["n"] or 0) + 1
            issue = PackIssue.objects.create(
                meeting=meeting,
                number=number,
                kind=IssueKind.AGENDA
                if meeting.status == MeetingStatus.DRAFT
                else IssueKind.SUPPLEMENT,
                items=[item.number for item in new],
                requested_by=by,
                stage="Waiting for the task worker",
            )
    except IntegrityError as error:
        # The database's own guard (one issue in progress per meeting) caught a click the
        # lock did not, on a database without row locks.
        raise ValidationError(ALREADY_PUBLISHING) from error
    _queue(issue)
    issue.refresh_from_db()
    return issue


def _queue(issue: PackIssue) -> None:
    from meetings.tasks import render_issue

    result = render_issue.enqueue(issue.pk)
    # The latest task: a worker may have taken it already, so whatever the issue's status.
    PackIssue.objects.filter(pk=issue.pk).update(task_id=str(result.id))


class ChangedWhileRendering(Exception):
    """Items changed between the start of a render and its publication."""

    def __init__(self, numbers: list[int]):
        self.numbers = numbers
        names = ", ".join(str(n) for n in numbers)
        super().__init__(f"Item{'s' if len(numbers) > 1 else ''} {names}")


def prepare_appendices(items: list[AgendaItem]) -> list[tuple[Appendix, str, dict]]:
    """Give each generated appendix the HTML the pack prints (`pack_html`): as frozen when
    it was published, otherwise from the live data. Returns those to freeze now."""
    to_freeze = []
    for item in items:
        report = getattr(item, "report", None) if item.kind == ItemKind.REPORT else None
        for appendix in report.appendices.all() if report else []:
            if not appendix.is_generated:
                continue
            if appendix.is_frozen:
                appendix.pack_html = appendix.frozen_html
            else:
                html, figures = render_generated(appendix)
                appendix.pack_html = html
                to_freeze.append((appendix, html, figures))
    return to_freeze


def _progress(issue: PackIssue, stage: str, percent: int) -> None:
    # Never on a published issue: a second run of it must not take it back to rendering.
    PackIssue.objects.filter(pk=issue.pk).exclude(status=IssueStatus.READY).update(
        stage=stage, progress=percent, status=IssueStatus.RENDERING
    )


def run_issue(issue_id: int) -> str:
    """Render an issue's PDFs and publish them, or record why not and change nothing."""
    issue = PackIssue.objects.select_related("meeting__committee").get(pk=issue_id)
    if issue.status == IssueStatus.READY:
        return issue.status
    try:
        _render_and_publish(issue)
    except ChangedWhileRendering as changed:
        return _render_again(issue, changed)
    except Exception as error:  # a failed render must leave the published papers as they were
        log.exception("Rendering %s failed", issue)
        message = error.messages if isinstance(error, ValidationError) else [str(error)]
        PackIssue.objects.filter(pk=issue.pk).exclude(status=IssueStatus.READY).update(
            status=IssueStatus.FAILED,
            error=" ".join(message) or error.__class__.__name__,
            stage="Failed",
            finished_at=timezone.now(),
        )
        return IssueStatus.FAILED
    return IssueStatus.READY


def _render_again(issue: PackIssue, changed: ChangedWhileRendering) -> str:
    """Nothing was published because items changed under the render: queue it once more
    to print them as they are now, or, if that has happened already, stop and say why."""
    if issue.requeued:
        PackIssue.objects.filter(pk=issue.pk).exclude(status=IssueStatus.READY).update(
            status=IssueStatus.FAILED,
            error=f"{changed} changed while the papers were being rendered, twice, so "
            "nothing was published. Check the agenda and publish again.",
            stage="Failed",
            finished_at=timezone.now(),
        )
        return IssueStatus.FAILED
    log.warning("%s: %s changed while rendering; queued again", issue, changed)
    queued = PackIssue.objects.filter(pk=issue.pk).exclude(status=IssueStatus.READY)
    if queued.update(
        status=IssueStatus.QUEUED,
        requeued=True,
        progress=0,
        stage=f"Queued again: {changed} changed while the papers were being rendered, "
        "so nothing was published yet",
    ):
        _queue(issue)
    issue.refresh_from_db()
    return issue.status


def _render_and_publish(issue: PackIssue) -> None:
    meeting = issue.meeting
    _progress(issue, "Checking the agenda", 5)
    all_items = list(items_queryset(meeting))
    new_numbers = set(issue.items)
    new_items = [i for i in all_items if i.number in new_numbers]
    problems = publication_problems(meeting, new_items)
    if problems:
        raise ValidationError(problems)
    included = [i for i in all_items if i.number in new_numbers | published_numbers(meeting)]
    versions = {item.pk: item.version for item in included}
    PackIssue.objects.filter(pk=issue.pk).update(
        versions={str(item.number): item.version for item in included}
    )

    _progress(issue, "Freezing the generated appendices", 10)
    to_freeze = prepare_appendices(included)

    public_items = [i for i in included if i.part == Part.ONE]
    has_exempt = len(public_items) != len(included)
    steps = [("public", public_items, False, False)]
    if has_exempt:
        steps.append(("full", included, True, False))
    if issue.kind == IssueKind.SUPPLEMENT:
        new_public = [i for i in new_items if i.part == Part.ONE]
        steps.append(("public_supplement", new_public, False, True))
        if len(new_public) != len(new_items):
            steps.append(("full_supplement", new_items, True, True))
    rendered = {}
    for index, (name, items, full, supplement) in enumerate(steps):
        share = 80 // len(steps)
        start = 15 + index * share

        def progress(stage, name=name, start=start):
            _progress(issue, f"{name.replace('_', ' ').capitalize()} pack: {stage}", start)

        rendered[name] = render_pack(
            meeting, items, full=full, supplement=supplement, progress=progress
        )
    rendered.setdefault("full", rendered["public"])
    if "public_supplement" in rendered:
        rendered.setdefault("full_supplement", rendered["public_supplement"])

    _progress(issue, "Storing the pack", 95)
    stem = f"{meeting.committee.name}-{meeting.local_start:%Y-%m-%d}"
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", stem).strip("-").lower()
    # Packs are served only through a published issue, so a file is reachable once this
    # transaction commits and not before; one written by a run that stops is removed, or,
    # if the worker was killed, left unreferenced and never served.
    written = []
    try:
        with transaction.atomic():
            # A task retried while its first run still went on renders the issue twice:
            # whichever finishes first publishes it, and the other changes nothing.
            pending = PackIssue.objects.filter(pk=issue.pk).exclude(status=IssueStatus.READY)
            if not pending.update(status=IssueStatus.READY):
                return
            # What was rendered must be what is published: an item written since the render
            # began (the forms refuse it, but not every write goes through them) would put
            # the old text, or Part II text marked Part I, into the public pack.
            now_versions = dict(
                AgendaItem.objects.select_for_update()
                .filter(pk__in=versions)
                .values_list("pk", "version")
            )
            if now_versions != versions:
                changed = sorted(i.number for i in included if now_versions.get(i.pk) != i.version)
                raise ChangedWhileRendering(changed)
            now = timezone.now()
            for appendix, html, figures in to_freeze:
                appendix.frozen_html, appendix.frozen_figures = html, figures
                appendix.frozen_at = now
                appendix.save(update_fields=["frozen_html", "frozen_figures", "frozen_at"])
            issue.refresh_from_db()
            for name, pack in rendered.items():
                stored = getattr(issue, f"{name}_pack" if "supplement" not in name else name)
                _store(
                    stored,
                    issue,
                    f"{stem}-issue-{issue.number}-{name.replace('_', '-')}.pdf",
                    pack.pdf,
                )
                written.append(stored)
                _pause_for_fault_tests()
            issue.public_ranges = rendered["public"].ranges
            issue.full_ranges = rendered["full"].ranges
            issue.public_pages = rendered["public"].pages + rendered["public"].front_pages
            issue.full_pages = rendered["full"].pages + rendered["full"].front_pages
            if "public_supplement" in rendered:
                issue.supplement_ranges = rendered["public_supplement"].ranges
                issue.full_supplement_ranges = rendered["full_supplement"].ranges
            issue.status, issue.stage, issue.progress = IssueStatus.READY, "Published", 100
            issue.error, issue.finished_at = "", now
            issue.save()
            if meeting.status == MeetingStatus.DRAFT:
                Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.PUBLISHED)
            _record_presentations(meeting, new_items)
    except BaseException:
        for stored in written:
            stored.storage.delete(stored.name)
        raise


def _store(stored, issue: PackIssue, filename: str, data: bytes) -> None:
    """Write one PDF whole or not at all: a write that fails part-way (a full disk) can
    leave the start of the file behind, which is removed here."""
    storage = stored.storage
    name = storage.get_available_name(
        stored.field.generate_filename(issue, filename), max_length=stored.field.max_length
    )
    try:
        # FieldFile.save comes to the same name: nothing else writes this issue's files.
        stored.save(filename, ContentFile(data), save=False)
    except OSError as error:
        try:
            if storage.exists(name):
                storage.delete(name)
        except OSError:
            log.exception("Could not remove the partly written %s", name)
        reason = error.strerror or str(error)
        raise ValidationError(
            f"The pack could not be stored ({reason}), so nothing was published. "
            "Ask for space to be freed on the server, then publish again."
        ) from error


def _pause_for_fault_tests() -> None:
    """tests/test_faults.py kills the worker here, with a pack's first file written and the
    publication not committed; the variable is never set outside that test."""
    if delay := os.environ.get("SCORECARD_TEST_RENDER_DELAY"):
        time.sleep(float(delay))


RENDER_STOPPED = "The render stopped before it finished (its task worker stopped): publish again."


def fail_stopped_issues() -> list[PackIssue]:
    """Issues still shown as rendering whose task has ended without finishing them (its
    worker was killed on every attempt, or interrupted): marked failed, so the clerk sees
    why on the meeting page and can publish again."""
    from django_tasks_db.models import DBTaskResult

    in_progress = {}
    for issue in PackIssue.objects.filter(status__in=[IssueStatus.QUEUED, IssueStatus.RENDERING]):
        try:
            in_progress[uuid.UUID(issue.task_id)] = issue
        except ValueError:  # not queued yet, or by another backend
            continue
    ended = DBTaskResult.objects.failed().filter(id__in=in_progress)
    stopped = [in_progress[task_id] for task_id in ended.values_list("id", flat=True)]
    for issue in stopped:
        PackIssue.objects.filter(
            pk=issue.pk, status__in=[IssueStatus.QUEUED, IssueStatus.RENDERING]
        ).update(
            status=IssueStatus.FAILED,
            error=RENDER_STOPPED,
            stage="Failed",
            finished_at=timezone.now(),
        )
        log.error("Rendering %s stopped with its worker: marked failed", issue)
    return stopped


def _record_presentations(meeting: Meeting, items: list[AgendaItem]) -> None:
    """Each recovery plan in the published papers has been presented to the committee:
    recorded on the plan, linked to the meeting (an earlier record of the same meeting,
    typed in by hand, is linked rather than repeated)."""
    from recovery_plans.models import Presentation

    day = meeting.local_start.date()
    for item in items:
        if item.part == Part.TWO:
            # The plan page is read by people not entitled to Part II: an exempt item's
            # appendices leave no trace there.
            continue
        report = getattr(item, "report", None) if item.kind == ItemKind.REPORT else None
        for appendix in report.appendices.all() if report else []:
            if appendix.kind != AppendixKind.RECOVERY_PLANS:
                continue
            for plan in appendix.plans.all():
                same = Presentation.objects.filter(
                    plan=plan, committee=meeting.committee.name, meeting_date=day
                )
                if not same.update(meeting=meeting):
                    Presentation.objects.create(
                        plan=plan,
                        committee=meeting.committee.name,
                        meeting_date=day,
                        meeting=meeting,
                        note=f"Agenda item {item.number}, Appendix '{appendix.letter}'",
                    )


# After the meeting -----------------------------------------------------------------------


@transaction.atomic
def record_minutes(meeting: Meeting, *, attendance: list[dict], minutes: dict[int, dict]) -> None:
    """Record who attended and, per item, the minute and resolution. Confirming the last
    meeting's minutes (a resolution on the minutes item) marks them approved."""
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, order=index, **person)
        for index, person in enumerate(attendance)
    )
    for item in meeting.items.select_related("minutes_of"):
        if item.number not in minutes:
            continue
        item.minute = minutes[item.number].get("minute", "")
        item.resolution = minutes[item.number].get("resolution", "")
        item.save(update_fields=["minute", "resolution"])
        if item.kind == ItemKind.MINUTES and item.minutes_of and item.resolution.strip():
            Meeting.objects.filter(pk=item.minutes_of_id).update(minutes_approved_at=meeting)
    if meeting.status != MeetingStatus.HELD:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
