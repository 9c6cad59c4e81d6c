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

log = logging.getLogger(__name__)


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
