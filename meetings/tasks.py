"""Publishing an issue of the papers, run by the task worker (`manage.py db_worker`).

Publication is all or nothing: the pack is rendered first, and only when every PDF is
written are the appendices frozen, the files stored and the meeting published."""

import logging
import os
import re
import time
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from indicators.roles import CLERK, COMMITTEE_MEMBER
from meetings.models import (
    AgendaItem,
    Appendix,
    AppendixKind,
    IssueKind,
    IssueStatus,
    ItemKind,
    ItemPaper,
    Meeting,
    MeetingStatus,
    PackIssue,
    Part,
)
from meetings.pack import render_pack
from meetings.selectors import items_queryset, publication_problems, published_numbers
from notifications.services import notify
from recovery_plans.services import record_presentation
from reporting.appendices import render_generated

log = logging.getLogger(__name__)


@task()
def render_issue(issue_id: int) -> str:
    """Render and publish one issue of a meeting's papers; returns its final status."""
    return run_issue(issue_id)


def queue(issue: PackIssue) -> None:

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
        queue(issue)
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
    # Each item is also cut out as a PDF of its own: Part I from the public pack, Part II
    # from the full one.
    exempt_numbers = {i.number for i in included if i.part == Part.TWO}
    public_numbers = {i.number for i in public_items}
    steps = [("public", public_items, False, False, public_numbers)]
    if has_exempt:
        steps.append(("full", included, True, False, exempt_numbers))
    if issue.kind == IssueKind.SUPPLEMENT:
        new_public = [i for i in new_items if i.part == Part.ONE]
        steps.append(("public_supplement", new_public, False, True, set()))
        if len(new_public) != len(new_items):
            steps.append(("full_supplement", new_items, True, True, set()))
    rendered = {}
    for index, (name, items, full, supplement, papers_for) in enumerate(steps):
        share = 80 // len(steps)
        start = 15 + index * share

        def progress(stage, name=name, start=start):
            _progress(issue, f"{name.replace('_', ' ').capitalize()} pack: {stage}", start)

        rendered[name] = render_pack(
            meeting,
            items,
            full=full,
            supplement=supplement,
            progress=progress,
            papers_for=papers_for,
        )
    papers = {
        number: (pdf, rendered[name].ranges[number])
        for name in ("public", "full")
        if name in rendered
        for number, pdf in rendered[name].papers.items()
    }
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
                # The worker acts for the clerk who asked for the papers: the history says so.
                appendix._history_user = issue.requested_by
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
            for number, (pdf, (first, last)) in sorted(papers.items(), key=lambda p: int(p[0])):
                paper = ItemPaper(
                    issue=issue, number=int(number), size=len(pdf), first_page=first, last_page=last
                )
                _store(paper.file, issue, f"{stem}-issue-{issue.number}-item-{number}.pdf", pdf)
                written.append(paper.file)
                paper.save()
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
            _announce(issue, new_items)
    except BaseException:
        for stored in written:
            stored.storage.delete(stored.name)
        raise


def _announce(issue: PackIssue, new_items: list[AgendaItem]) -> None:
    """Tell committee members and clerks the papers are out, once the issue is published:
    a link, the public items' titles and how many exempt items there are, never what
    those say."""
    members = get_user_model().objects.filter(
        groups__name__in=[COMMITTEE_MEMBER, CLERK], is_active=True
    )
    public = [item for item in new_items if item.part == Part.ONE]
    notify(
        "pack_published",
        members,
        context={
            "meeting": issue.meeting,
            "issue_label": (
                "agenda pack" if issue.kind == IssueKind.AGENDA else "supplementary agenda"
            ),
            "public_titles": [str(item) for item in public],
            "exempt_count": len(new_items) - len(public),
        },
        key=f"issue {issue.pk}",
    )


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
                record_presentation(
                    plan,
                    committee=meeting.committee.name,
                    meeting_date=day,
                    meeting=meeting,
                    note=f"Agenda item {item.number}, Appendix '{appendix.letter}'",
                )
