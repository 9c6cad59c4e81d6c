"""Meetings for everyone: the agenda as a web page, each report in HTML (the accessible
alternative to the PDF), the agenda packs as stored files; and for clerks and report
authors, the pages that build and publish them.

Part II items and unpublished papers are not merely hidden: every view that could show one
answers 404 to anyone not entitled to it."""

import csv
import html
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sitemaps import Sitemap
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from indicators.roles import is_performance_team
from meetings import selectors, services
from meetings.calendar import meeting_event
from meetings.forms import AppendixForm, ItemForm, MeetingForm, MinutesForm, ReportForm
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
from meetings.permissions import can_edit_report, can_see_exempt, can_see_meeting, is_clerk
from meetings.templatetags.meeting_tags import pages_text
from reporting.appendices import appendix_html, revisions_for
from spreadsheets.guard import spreadsheet_text


def _not_public(response, *, exempt: bool):
    """Mark a response no shared cache may keep: exempt papers are not stored anywhere
    (`no-store`); other papers not yet public (drafts) are for the reader only."""
    if exempt:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, private=True)
    return response


def _meeting(request, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    if not can_see_meeting(request.user, meeting):
        raise Http404("There is no such meeting.")
    return meeting


def _can_see_item(user, item: AgendaItem, published: set[int]) -> bool:
    if item.part == Part.TWO and not can_see_exempt(user):
        return False
    if item.number in published:
        return True
    # Papers not yet published: the clerks, the performance team and the report's author.
    if not user.is_authenticated or not user.is_active:
        return False
    if is_clerk(user) or is_performance_team(user):
        return True
    report = item.report if item.kind == ItemKind.REPORT and hasattr(item, "report") else None
    return report is not None and report.author_id == user.pk


def _visible_items(request, meeting: Meeting) -> tuple[list[AgendaItem], set[int]]:
    published = selectors.published_numbers(meeting)
    items = [
        item
        for item in selectors.items_queryset(meeting)
        if _can_see_item(request.user, item, published)
    ]
    return items, published


def _item(request, meeting: Meeting, number: int) -> tuple[AgendaItem, bool]:
    published = selectors.published_numbers(meeting)
    item = selectors.items_queryset(meeting).filter(number=number).first()
    if item is None or not _can_see_item(request.user, item, published):
        raise Http404("There is no such item.")
    return item, item.number in published


# Reading ---------------------------------------------------------------------------------


def meeting_list(request):
    meetings = Meeting.objects.select_related("committee").order_by("-starts_at")
    if not is_clerk(request.user):
        meetings = [m for m in meetings if can_see_meeting(request.user, m)]
    return render(
        request,
        "meetings/meeting_list.html",
        {"meetings": meetings, "clerk": is_clerk(request.user), "nav": "meetings"},
    )


def meeting_detail(request, pk: int):
    meeting = _meeting(request, pk)
    items, published = _visible_items(request, meeting)
    exempt = can_see_exempt(request.user)
    issues = list(meeting.issues.order_by("-number"))
    current = next((i for i in issues if i.status == IssueStatus.READY), None)
    # "With Part II" is offered only for packs that have a Part II item in them: an issue's
    # full pack holds the items of every issue up to it.
    part_two = {i.number for i in items if i.part == Part.TWO}  # all shown to the entitled
    so_far: set[int] = set()
    for issue in sorted(issues, key=lambda i: i.number):
        so_far |= set(issue.items)
        issue.has_part_two = bool(so_far & part_two)
    ranges = (current.full_ranges if exempt else current.public_ranges) if current else {}
    papers = selectors.papers_of(current)
    for item in items:
        item.pages = pages_text(ranges.get(str(item.number)))
        item.is_published = item.number in published
        item.paper = papers.get(item.number) if item.is_published else None
    clerk = is_clerk(request.user)
    pending = [i for i in items if not i.is_published]
    problems = (
        selectors.publication_checks(meeting, pending)
        if clerk and meeting.status != MeetingStatus.HELD
        else []
    )
    published_appendices = [
        (item, appendix)
        for item in items
        if item.kind == ItemKind.REPORT and item.is_published
        for appendix in item.report.appendices.all()
    ]
    found = revisions_for([appendix for _, appendix in published_appendices])
    revisions = [
        (item, appendix, revision)
        for item, appendix in published_appendices
        for revision in found.get(appendix.pk, [])
    ]
    response = render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "exempt": exempt,
            "issues": issues,
            "current": current,
            "rendering": next((i for i in issues if i.in_progress), None),
            "failed": issues[0] if issues and issues[0].status == IssueStatus.FAILED else None,
            "clerk": clerk,
            "pending": pending,
            "blocking": [check for check in problems if check.blocking],
            "advisory": [check for check in problems if not check.blocking],
            "revisions": revisions,
            "nav": "meetings",
        },
    )
    if pending or any(item.part == Part.TWO for item in items):
        _not_public(response, exempt=any(item.part == Part.TWO for item in items))
    return response


def item_detail(request, pk: int, number: int):
    meeting = _meeting(request, pk)
    item, published = _item(request, meeting, number)
    appendices = []
    if item.kind == ItemKind.REPORT:
        found = revisions_for(list(item.report.appendices.all()))
        for appendix in item.report.appendices.all():
            html = appendix_html(appendix) if appendix.is_generated else ""
            appendices.append((appendix, html, found.get(appendix.pk, [])))
    response = render(
        request,
        "meetings/item_detail.html",
        {
            "meeting": meeting,
            "item": item,
            "published": published,
            "paper": selectors.current_paper(meeting, item.number) if published else None,
            "appendices": appendices,
            "editable": item.kind == ItemKind.REPORT
            and can_edit_report(request.user, item, published=published),
            "clerk": is_clerk(request.user),
            "show_exempt": can_see_exempt(request.user),
            "nav": "meetings",
        },
    )
    if item.part == Part.TWO or not published:
        _not_public(response, exempt=item.part == Part.TWO)
    return response


def appendix_file(request, pk: int, number: int, letter: str):
    meeting = _meeting(request, pk)
    item, published = _item(request, meeting, number)
    if item.kind != ItemKind.REPORT:
        raise Http404("There is no such appendix.")
    appendix = get_object_or_404(
        Appendix, report=item.report, letter=letter, kind=AppendixKind.UPLOAD
    )
    response = FileResponse(
        appendix.file.open("rb"),
        content_type="application/pdf",
        filename=f"item-{item.number}-appendix-{appendix.letter}.pdf",
    )
    if item.part == Part.TWO or not published:
        _not_public(response, exempt=item.part == Part.TWO)
    return response


def item_paper(request, pk: int, number: int):
    """One published item as a PDF of its own, cut from the latest issue's pack."""
    meeting = _meeting(request, pk)
    item, published = _item(request, meeting, number)
    paper = selectors.current_paper(meeting, item.number) if published else None
    if paper is None:
        raise Http404("That item has no papers of its own in the published pack.")
    response = FileResponse(
        paper.file.open("rb"),
        content_type="application/pdf",
        filename=f"{meeting.local_start:%Y-%m-%d}-item-{item.number}.pdf",
    )
    return _not_public(response, exempt=True) if item.part == Part.TWO else response


def _pdf(issue: PackIssue | None, field: str, filename: str):
    stored = getattr(issue, field) if issue is not None else None
    if not stored:
        raise Http404("That pack has not been published.")
    return FileResponse(stored.open("rb"), content_type="application/pdf", filename=filename)


def meeting_calendar(request, pk: int):
    """The meeting as a calendar entry ("Add to calendar"), for whoever may see it."""
    meeting = _meeting(request, pk)
    body = meeting_event(meeting, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{meeting.local_start:%Y-%m-%d}-meeting.ics"'
    )
    return response


def pack(request, pk: int, full: bool = False):
    """The latest published pack, served as the stored file: never rendered here."""
    meeting = _meeting(request, pk)
    if full and not can_see_exempt(request.user):
        raise Http404("There is no such pack.")
    issue = selectors.current_issue(meeting)
    name = f"agenda-pack-{meeting.local_start:%Y-%m-%d}{'-full' if full else ''}.pdf"
    response = _pdf(issue, "full_pack" if full else "public_pack", name)
    return _not_public(response, exempt=True) if full else response


_ISSUE_FILES = {
    "pack": ("public_pack", False),
    "pack-full": ("full_pack", True),
    "supplement": ("public_supplement", False),
    "supplement-full": ("full_supplement", True),
}


def issue_file(request, pk: int, number: int, which: str):
    """Any earlier issue stays downloadable: the agenda as first published, and each
    supplement with the pack re-issued alongside it."""
    meeting = _meeting(request, pk)
    field, exempt = _ISSUE_FILES.get(which, (None, None))
    if field is None or (exempt and not can_see_exempt(request.user)):
        raise Http404("There is no such pack.")
    issue = get_object_or_404(meeting.issues, number=number, status=IssueStatus.READY)
    response = _pdf(issue, field, f"{meeting.local_start:%Y-%m-%d}-issue-{number}-{which}.pdf")
    return _not_public(response, exempt=True) if exempt else response


def progress(request, pk: int):
    """How the latest rendering is getting on, for the page's progress bar."""
    meeting = _meeting(request, pk)
    issue = meeting.issues.order_by("-number").first()
    if issue is None:
        return JsonResponse({"status": "none"})
    return JsonResponse(
        {
            "status": issue.status,
            "stage": issue.stage,
            "progress": issue.progress,
            "error": issue.error if is_clerk(request.user) else "",
        }
    )


def minutes(request, pk: int):
    meeting = _meeting(request, pk)
    if meeting.status != MeetingStatus.HELD:
        raise Http404("The meeting has not been held yet.")
    # An item never published (added after the last issue, then the meeting held) is as
    # unpublished here as on its own page: its title and minute are for those entitled.
    items, _ = _visible_items(request, meeting)
    prefetch_related_objects(
        [meeting],
        Prefetch("items", queryset=AgendaItem.objects.filter(pk__in=[i.pk for i in items])),
    )
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "minuted": meeting,
            "show_exempt": can_see_exempt(request.user),
            "clerk": is_clerk(request.user),
            "nav": "meetings",
        },
    )


def search(request):
    """Published papers that mention the words, Part II only for those entitled."""
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        fields = [
            "title",
            "body",
            "report__executive_summary",
            "report__recommendation",
            "report__background",
            "report__appendices__body",
            "report__appendices__title",
            # The generated appendices as published (the performance report, the register,
            # plans): their words, checked below without the markup around them.
            "report__appendices__frozen_html",
        ]
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": query})
        items = (
            AgendaItem.objects.filter(match)
            .exclude(meeting__status=MeetingStatus.DRAFT)
            .select_related("meeting__committee", "report")
            .prefetch_related("report__appendices")
            .distinct()
            .order_by("-meeting__starts_at", "number")
        )
        published_by_meeting: dict[int, set[int]] = {}
        for item in items[:200]:
            if item.meeting_id not in published_by_meeting:
                published_by_meeting[item.meeting_id] = selectors.published_numbers(item.meeting)
            if (
                item.number in published_by_meeting[item.meeting_id]
                and (item.part == Part.ONE or can_see_exempt(request.user))
                and query.lower() in _words_of(item)
            ):
                results.append(item)
    return render(
        request,
        "meetings/search.html",
        {"query": query, "results": results, "nav": "meetings"},
    )


_TAG = re.compile(r"<[^>]*>")


def _words_of(item: AgendaItem) -> str:
    """What a reader sees of an item and its papers, lower-cased, for matching a search:
    a word in a frozen appendix's markup ("class", "td") is not a word of the papers."""
    parts = [item.title, item.body]
    report = getattr(item, "report", None)
    if report is not None:
        parts += [report.executive_summary, report.recommendation, report.background]
        for appendix in report.appendices.all():
            parts += [
                appendix.title,
                appendix.body,
                html.unescape(_TAG.sub(" ", appendix.frozen_html)),
            ]
    return " ".join(" ".join(part.split()) for part in parts if part).lower()


def export_csv(request):
    """Every published agenda item with its pages in the pack, as CSV."""
    exempt = can_see_exempt(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="agenda-items.csv"'
    writer = csv.writer(response)
    writer.writerow(["Committee", "Date", "Item", "Title", "Part", "Pages", "Address"])
    meetings = (
        Meeting.objects.exclude(status=MeetingStatus.DRAFT)
        .select_related("committee")
        .prefetch_related("items", "issues")
    )
    for meeting in meetings:
        ready = [i for i in meeting.issues.all() if i.status == IssueStatus.READY]
        if not ready:
            continue
        current = max(ready, key=lambda i: i.number)
        published = {n for issue in ready for n in issue.items}
        ranges = current.full_ranges if exempt else current.public_ranges
        for item in meeting.items.all():
            if item.number not in published or (item.part == Part.TWO and not exempt):
                continue
            cells = [
                meeting.committee.name,
                meeting.local_start.strftime("%Y-%m-%d %H:%M"),
                item.number,
                item.title,
                "II" if item.part == Part.TWO else "I",
                pages_text(ranges.get(str(item.number))).strip("()"),
                request.build_absolute_uri(item.get_absolute_url()),
            ]
            writer.writerow([spreadsheet_text(cell) for cell in cells])
    return response


class MeetingSitemap(Sitemap):
    """Published meetings and their Part I items: nothing exempt, nothing in draft."""

    def items(self):
        entries = []
        meetings = (
            Meeting.objects.exclude(status=MeetingStatus.DRAFT)
            .prefetch_related("items", "issues")
            .order_by("-starts_at")
        )
        for meeting in meetings:
            published = {n for issue in meeting.issues.all() if issue.is_ready for n in issue.items}
            if not published:
                continue
            entries.append(meeting)
            entries.extend(
                item
                for item in meeting.items.all()
                if item.number in published and item.part == Part.ONE
            )
        return entries

    def location(self, obj):
        return obj.get_absolute_url()


# Building and publishing -----------------------------------------------------------------


def _clerk(request) -> None:
    if not is_clerk(request.user):
        raise PermissionDenied("Only clerks build agendas and publish them.")


def _form_errors(error: ValidationError, form) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _form_page(
    request, form, title: str, back: str, *, caption="", multipart=False, template="form.html"
):
    """Every form of the meetings pages: one layout, with errors summarised at the top."""
    return render(
        request,
        f"meetings/{template}",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "back": back,
            "multipart": multipart,
            "nav": "meetings",
        },
    )


@login_required
def meeting_create(request):
    _clerk(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = services.create_meeting(
            committee=data["committee"],
            starts_at=data["starts_at"],
            venue=data["venue"],
            signatory=data["signatory"],
            signatory_title=data["signatory_title"],
            by=request.user,
        )
        messages.success(request, "Meeting created with the standard agenda items.")
        return redirect(meeting)
    return _form_page(request, form, "New meeting", reverse("meetings:list"))


@login_required
def item_create(request, pk: int):
    _clerk(request)
    meeting = _meeting(request, pk)
    if meeting.status == MeetingStatus.HELD:
        raise PermissionDenied("The meeting has been held; its agenda is closed.")
    initial = {"number": selectors.next_report_number(meeting), "kind": ItemKind.REPORT}
    form = ItemForm(request.POST or None, initial=initial, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(meeting, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            _form_errors(error, form)
        else:
            messages.success(request, f"Item {item.number} added to the agenda.")
            return redirect(meeting)
    return _form_page(
        request,
        form,
        "Add an agenda item",
        meeting.get_absolute_url(),
        caption=str(meeting),
        template="item_form.html",
    )


@login_required
def report_edit(request, pk: int, number: int):
    meeting = _meeting(request, pk)
    item, published = _item(request, meeting, number)
    if item.kind != ItemKind.REPORT or not can_edit_report(request.user, item, published=published):
        raise PermissionDenied("Only the report's author or a clerk changes it, until published.")
    if refused := _refuse_while_rendering(request, meeting, item):
        return refused
    report = item.report
    form = ReportForm(request.POST or None, initial=ReportForm.initial_for(report))
    if request.method == "POST" and form.is_valid():
        services.save_report(report, **form.cleaned_data, by=request.user)
        messages.success(request, "Report saved.")
        return redirect(item)
    return _form_page(
        request, form, f"Report: {item.title}", item.get_absolute_url(), caption=str(meeting)
    )


@login_required
def appendix_create(request, pk: int, number: int):
    meeting = _meeting(request, pk)
    item, published = _item(request, meeting, number)
    if item.kind != ItemKind.REPORT or not can_edit_report(request.user, item, published=published):
        raise PermissionDenied("Only the report's author or a clerk adds appendices.")
    if refused := _refuse_while_rendering(request, meeting, item):
        return refused
    report = item.report
    next_letter = chr(ord("A") + report.appendices.count())
    form = AppendixForm(
        request.POST or None,
        request.FILES or None,
        report=report,
        initial={"letter": next_letter if next_letter <= "Z" else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["kind"] == AppendixKind.UPLOAD
        appendix = services.add_appendix(
            report,
            letter=data["letter"],
            title=data["title"],
            kind=data["kind"],
            body=data["body"],
            quarter=data["quarter"],
            review=data["review"],
            sections=data["sections"],
            plans=data["plans"],
            file_bytes=data["file_bytes"] if upload else None,
            filename=data["file"].name if upload else "",
            by=request.user,
        )
        messages.success(request, f"Appendix '{appendix.letter}' added.")
        return redirect(item)
    return _form_page(
        request,
        form,
        f"Add an appendix to {item.title}",
        item.get_absolute_url(),
        caption=str(meeting),
        multipart=True,
        template="appendix_form.html",
    )


@login_required
@require_POST
def publish(request, pk: int):
    _clerk(request)
    meeting = _meeting(request, pk)
    try:
        issue = services.request_publication(meeting, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(meeting)
    issue.refresh_from_db()
    if issue.status == IssueStatus.READY:
        messages.success(request, f"Published: the {issue.get_kind_display().lower()} is ready.")
    elif issue.status == IssueStatus.FAILED:
        messages.error(request, f"The pack could not be rendered: {issue.error}")
    else:
        messages.success(request, "The pack is being rendered; this page shows its progress.")
    return redirect(meeting)


@login_required
def minutes_edit(request, pk: int):
    _clerk(request)
    meeting = _meeting(request, pk)
    if meeting.status == MeetingStatus.DRAFT:
        raise PermissionDenied("Publish the agenda before recording the minutes.")
    form = MinutesForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        services.record_minutes(
            meeting, attendance=form.cleaned_data["attendance"], minutes=form.minutes()
        )
        messages.success(request, "Minutes saved.")
        return redirect("meetings:minutes", pk=meeting.pk)
    return _form_page(request, form, "Minutes", meeting.get_absolute_url(), caption=str(meeting))


def _refuse_while_rendering(request, meeting: Meeting, item: AgendaItem):
    """Every write to an item, its report or appendices asks this first."""
    if request.method == "POST" and item.number in selectors.rendering_numbers(meeting):
        messages.error(request, selectors.ITEM_LOCKED.format(number=item.number))
        return redirect(meeting)
    return None


def _unpublished_item(request, pk: int, number: int) -> tuple[Meeting, AgendaItem]:
    _clerk(request)
    meeting = _meeting(request, pk)
    item, published = _item(request, meeting, number)
    if published or meeting.status == MeetingStatus.HELD:
        raise PermissionDenied("Published items are fixed; a correction goes out as a new item.")
    return meeting, item


@login_required
def item_edit(request, pk: int, number: int):
    meeting, item = _unpublished_item(request, pk, number)
    if refused := _refuse_while_rendering(request, meeting, item):
        return refused
    report = item.report if item.kind == ItemKind.REPORT else None
    initial = {
        "number": item.number,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "part": item.part,
        "exempt_paragraph": item.exempt_paragraph,
        "exempt_reason": item.exempt_reason,
        "author": report.author_id if report else None,
        "minutes_of": item.minutes_of_id,
    }
    form = ItemForm(request.POST or None, initial=initial, meeting=meeting)
    for name in ("number", "kind"):
        form.fields[name].disabled = True
    form.fields["number"].help_text = "Fixed once the item is on the agenda."
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_item(
            item,
            title=data["title"],
            body=data["body"],
            part=data["part"],
            exempt_paragraph=data["exempt_paragraph"],
            exempt_reason=data["exempt_reason"],
            minutes_of=data.get("minutes_of"),
            author=data.get("author"),
            by=request.user,
        )
        messages.success(request, f"Item {item.number} saved.")
        return redirect(meeting)
    return _form_page(
        request,
        form,
        f"Item {item.number}: {item.title}",
        meeting.get_absolute_url(),
        caption=str(meeting),
        template="item_form.html",
    )


@login_required
@require_POST
def item_remove(request, pk: int, number: int):
    meeting, item = _unpublished_item(request, pk, number)
    if refused := _refuse_while_rendering(request, meeting, item):
        return refused
    services.remove_item(item, by=request.user)
    messages.success(request, f"Item {number} ({item.title}) removed from the agenda.")
    return redirect(meeting)


@login_required
def meeting_edit(request, pk: int):
    _clerk(request)
    meeting = _meeting(request, pk)
    if meeting.status != MeetingStatus.DRAFT:
        raise PermissionDenied("The agenda is published: its date, time and venue are fixed.")
    start = meeting.local_start
    form = MeetingForm(
        request.POST or None,
        initial={
            "committee": meeting.committee_id,
            "date": start.date(),
            "time": start.time(),
            "venue": meeting.venue,
            "signatory": meeting.signatory,
            "signatory_title": meeting.signatory_title,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_meeting(
            meeting,
            committee=data["committee"],
            starts_at=data["starts_at"],
            venue=data["venue"],
            signatory=data["signatory"],
            signatory_title=data["signatory_title"],
            by=request.user,
        )
        messages.success(request, "Meeting saved.")
        return redirect(meeting)
    return _form_page(
        request, form, "Meeting details", meeting.get_absolute_url(), caption=str(meeting)
    )
