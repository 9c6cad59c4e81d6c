"""What clerks and report authors do to meetings: build agendas, ask for the papers to be
published (the task worker renders them: `tasks.py`), record minutes."""

import logging
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max

from meetings import tasks
from meetings.models import (
    QUEUED_STAGE,
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
    Report,
)
from meetings.selectors import pending_items, publication_problems, published_numbers
from meetings.uploads import check_pdf, clean_copy
from scorecard.saving import changed_by, save_checked

log = logging.getLogger(__name__)


# Building the agenda ---------------------------------------------------------------------


def create_meeting(
    *, committee, starts_at, venue, signatory="", signatory_title="", by=None
) -> Meeting:
    """A draft meeting with the standard items every agenda has, minutes of the committee's
    last meeting included when there is one."""
    with transaction.atomic():
        meeting = save_checked(
            Meeting(
                committee=committee,
                starts_at=starts_at,
                venue=venue,
                signatory=signatory,
                signatory_title=signatory_title,
            ),
            by,
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
            save_checked(
                AgendaItem(
                    meeting=meeting,
                    number=number,
                    kind=kind,
                    title=title,
                    body=body,
                    minutes_of=last if kind == ItemKind.MINUTES else None,
                ),
                by,
            )
    return meeting


@transaction.atomic
def save_meeting(
    meeting: Meeting, *, committee, starts_at, venue, signatory, signatory_title, by
) -> Meeting:
    """Change a draft meeting's committee, date and time, venue or signatory."""
    meeting.committee, meeting.starts_at, meeting.venue = committee, starts_at, venue
    meeting.signatory, meeting.signatory_title = signatory, signatory_title
    return save_checked(meeting, by)


URGENT_BUSINESS = (
    "An item of Urgent Business may only be considered under this heading where, by reason "
    "of special circumstances to be recorded in the minutes, the Chair of the meeting is of "
    "the opinion that the item should be considered at the meeting as a matter of urgency."
)


@transaction.atomic
def add_item(meeting: Meeting, *, number: int, by=None, author=None, **fields) -> AgendaItem:
    """Put an item on the agenda at `number`. In a draft agenda the items from there on move
    down one; once the agenda is published its numbers are fixed, so the number must be
    free. A report item gets its report, drafted by `author`."""
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
            changed_by(later, by)
            later.save(update_fields=["number"])
    item = AgendaItem(
        meeting=meeting,
        number=number,
        supplementary=meeting.status != MeetingStatus.DRAFT,
        **fields,
    )
    save_checked(item, by)
    if item.kind == ItemKind.REPORT:
        save_checked(Report(item=item), by)
        if author is not None:
            item.report.author = author
            save_checked(item.report, by, update_fields=["author"])
    return item


@transaction.atomic
def save_item(
    item: AgendaItem,
    *,
    title: str,
    body: str,
    part: int,
    exempt_paragraph,
    exempt_reason: str,
    minutes_of=None,
    author=None,
    by,
) -> AgendaItem:
    """Change an unpublished item's wording or part; its number and kind are fixed. The
    minutes item names the meeting it confirms; a report item its author."""
    item.title, item.body, item.part = title, body, part
    item.exempt_paragraph, item.exempt_reason = exempt_paragraph, exempt_reason
    if item.kind == ItemKind.MINUTES:
        item.minutes_of = minutes_of
    save_checked(item, by)
    if item.kind == ItemKind.REPORT:
        item.report.author = author
        save_checked(item.report, by, update_fields=["author"])
    return item


REPORT_FIELDS = {
    "report_of",
    "divisions",
    "contact",
    "executive_summary",
    "recommendation",
    "background",
    "consultations",
    "implications_intro",
    "risk_management",
    "financial",
    "legal",
    "equality",
    "background_papers",
}


@transaction.atomic
def save_report(report: Report, *, by, **fields) -> Report:
    """Change the parts of a report that are given; the others stay as they are."""
    unknown = set(fields) - REPORT_FIELDS
    if unknown:
        raise ValidationError(f"A report has no part called {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(report, name, value)
    return save_checked(report, by, update_fields=[*fields, "updated_at"])


@transaction.atomic
def add_appendix(
    report: Report,
    *,
    letter: str,
    title: str,
    kind: str,
    body: str = "",
    quarter=None,
    review=None,
    sections=(),
    plans=(),
    file_bytes: bytes | None = None,
    filename: str = "",
    by,
) -> Appendix:
    """Add an appendix to a report: written, an uploaded PDF (checked, and stored as a clean
    copy), or generated from the performance report, the risk register or recovery plans
    (what each covers is kept with it)."""
    appendix = Appendix(
        report=report,
        letter=letter,
        title=title,
        kind=kind,
        body=body if kind == AppendixKind.WRITTEN else "",
        quarter=quarter if kind == AppendixKind.PERFORMANCE else None,
        review=review if kind == AppendixKind.RISK_REGISTER else None,
    )
    if kind == AppendixKind.UPLOAD:
        save_upload(appendix, file_bytes or b"", filename, by=by)
    else:
        save_checked(appendix, by)
    if kind == AppendixKind.PERFORMANCE:
        appendix.sections.set(sections)
    if kind == AppendixKind.RECOVERY_PLANS:
        appendix.plans.set(plans)
    return appendix


@transaction.atomic
def remove_item(item: AgendaItem, *, by=None) -> None:
    """Take an unpublished item off the agenda; in a draft agenda the items after it move up
    one, so the numbering has no gap."""
    changed_by(item, by)
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
            changed_by(later, by)
            later.save(update_fields=["number"])


def save_upload(appendix: Appendix, data: bytes, filename: str, *, by=None) -> Appendix:
    """Store an uploaded PDF appendix once it has passed every check."""
    appendix.page_count = check_pdf(data, name=f'"{filename}"')
    appendix.full_clean(exclude=["file"])
    # What is stored and served is a rewritten copy of the pages, never the upload itself.
    appendix.file.save(_safe_name(filename), ContentFile(clean_copy(data)), save=False)
    changed_by(appendix, by)
    appendix.save()
    return appendix


def _safe_name(filename: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", filename.rsplit("/", 1)[-1]).strip("-.")
    return (stem or "appendix")[:80].removesuffix(".pdf") + ".pdf"


# Publishing ------------------------------------------------------------------------------


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
                stage=QUEUED_STAGE,
            )
    except IntegrityError as error:
        # The database's own guard (one issue in progress per meeting) caught a click the
        # lock did not, on a database without row locks.
        raise ValidationError(ALREADY_PUBLISHING) from error
    tasks.queue(issue)
    issue.refresh_from_db()
    return issue


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
