"""The demo council's committee meetings, transcribed from its committee papers
(fixtures/meetings.json):

- the Cabinet Committee on Performance Improvement of 18 April 2018, held, with its minutes
  (seed 001 prints them as item 3 of the next meeting);
- the meeting of 27 June 2018 with all its agenda items; its reports' appendices are
  generated from the demo data: the Q1 2018/19 risk register, the Q4 2017/18 performance
  report and the Key Stage 4 recovery plan; published as one agenda pack;
- the meeting of 14 June 2013 and its supplementary agenda (seed 000): item 5 with the five
  recovery plans of Appendix 'A', published after the agenda as a supplement.
"""

import json
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from indicators.periods import FINANCIAL_QUARTER, parse_period
from meetings.models import (
    QUEUED_STAGE,
    AgendaItem,
    Appendix,
    Attendance,
    Committee,
    CommitteeMember,
    IssueKind,
    Meeting,
    MeetingStatus,
    PackIssue,
    Report,
)
from meetings.tasks import render_issue
from recovery_plans.models import RecoveryPlan
from risks.models import Review

MEETINGS_FILE = Path(settings.BASE_DIR) / "fixtures" / "meetings.json"
PLANS_FILE = Path(settings.BASE_DIR) / "fixtures" / "recovery_plans.json"


def _plan_titles() -> dict[str, str]:
    data = json.loads(PLANS_FILE.read_text(encoding="utf-8"))
    return {plan["key"]: plan["title"] for plan in data["plans"]}


def load_meetings(users: dict, *, path: Path = MEETINGS_FILE) -> dict:
    """Load the demo meetings; meetings already there are left as they are. Their packs are
    queued for the task worker, in the order a clerk would have published them."""
    data = json.loads(path.read_text(encoding="utf-8"))
    committees = {}
    for entry in data["committees"]:
        committee, _ = Committee.objects.get_or_create(name=entry["name"])
        if not committee.members.exists():
            for order, member in enumerate(entry["members"]):
                CommitteeMember.objects.create(
                    committee=committee, name=member["name"], chair=member["chair"], order=order
                )
        committees[committee.name] = committee
    keys: dict[str, Meeting] = {}
    issues = []
    counts = {"meetings": 0, "agenda items": 0}
    for entry in data["meetings"]:
        starts_at = timezone.make_aware(datetime.fromisoformat(entry["starts_at"]))
        committee = committees[entry["committee"]]
        existing = Meeting.objects.filter(committee=committee, starts_at=starts_at).first()
        if existing is not None:
            keys[entry["key"]] = existing
            continue
        with transaction.atomic():
            meeting, supplement = _meeting(entry, committee, starts_at, keys, users)
        keys[entry["key"]] = meeting
        counts["meetings"] += 1
        counts["agenda items"] += meeting.items.count()
        if entry["status"] == "published":
            issues.append((meeting, supplement))
    for meeting, supplement in issues:
        agenda = [i for i in meeting.items.all() if i.number not in supplement]
        # A supplement is published once its agenda is out (one issue of a meeting is in
        # progress at a time), so an agenda with a supplement is rendered here and now.
        _issue(meeting, agenda, IssueKind.AGENDA, at_once=bool(supplement))
        if supplement:
            late = [i for i in meeting.items.all() if i.number in supplement]
            _issue(meeting, late, IssueKind.SUPPLEMENT)
    counts["published packs"] = PackIssue.objects.filter(status="ready").count()
    return counts


def _issue(meeting: Meeting, items: list[AgendaItem], kind: str, *, at_once=False) -> None:
    """Publish these items as one issue, as the clerk's Publish button does (`at_once`:
    rendered now rather than by the task worker)."""

    issue = PackIssue.objects.create(
        meeting=meeting,
        number=meeting.issues.count() + 1,
        kind=kind,
        items=[item.number for item in items],
        stage=QUEUED_STAGE,
    )
    if at_once:
        render_issue.call(issue.pk)
    else:
        render_issue.enqueue(issue.pk)


def _meeting(entry, committee, starts_at, keys, users) -> tuple[Meeting, set[int]]:
    meeting = Meeting.objects.create(
        committee=committee,
        starts_at=starts_at,
        venue=entry["venue"],
        signatory=entry["signatory"],
        signatory_title=entry["signatory_title"],
        supplement_intro=entry.get("supplement_intro", ""),
        status=MeetingStatus.HELD if entry["status"] == "held" else MeetingStatus.DRAFT,
    )
    for order, person in enumerate(entry.get("attendance", [])):
        Attendance.objects.create(
            meeting=meeting,
            name=person["name"],
            role=person["role"],
            attended=person["attended"],
            order=order,
        )
    plan_titles = _plan_titles()
    supplement = set()
    for item_data in entry["items"]:
        item = AgendaItem.objects.create(
            meeting=meeting,
            number=item_data["number"],
            kind=item_data["kind"],
            title=item_data["title"],
            body=item_data.get("body", ""),
            part=item_data.get("part", 1),
            minute=item_data.get("minute", ""),
            resolution=item_data.get("resolution", ""),
            supplementary=item_data.get("supplementary", False),
            minutes_of=keys.get(item_data.get("minutes_of") or ""),
        )
        if item.supplementary:
            supplement.add(item.number)
        if item.kind != "report":
            continue
        text = item_data.get("report", {})
        implications = text.get("implications", {})
        report = Report.objects.create(
            item=item,
            author=users["officer"],
            report_of=text.get("report_of", ""),
            divisions=text.get("divisions", ""),
            contact=text.get("contact", ""),
            executive_summary=text.get("executive_summary", ""),
            recommendation=text.get("recommendation", ""),
            background=text.get("background", ""),
            consultations=text.get("consultations", ""),
            implications_intro=implications.get("intro", ""),
            risk_management=implications.get("risk_management", ""),
            financial=implications.get("financial", ""),
            legal=implications.get("legal", ""),
            equality=implications.get("equality", ""),
            background_papers=text.get("background_papers", []),
        )
        for spec in item_data.get("appendices", []):
            appendix = Appendix.objects.create(
                report=report,
                letter=spec["letter"],
                title=spec["title"],
                kind=spec["kind"],
                body=spec.get("body", ""),
                quarter=(
                    parse_period(spec["quarter"], kind=FINANCIAL_QUARTER)
                    if spec.get("quarter")
                    else None
                ),
                review=(
                    Review.objects.get(
                        quarter=parse_period(
                            _review_quarter(spec["review"]), kind=FINANCIAL_QUARTER
                        )
                    )
                    if spec.get("review")
                    else None
                ),
            )
            if spec.get("plans"):
                titles = [plan_titles[key] for key in spec["plans"]]
                appendix.plans.set(RecoveryPlan.objects.filter(title__in=titles))
    return meeting, supplement


def _review_quarter(slug: str) -> str:
    """'2018-19-Q1' -> 'Q1 2018/19'."""
    year, quarter = slug.rsplit("-", 1)
    return f"{quarter} {year.replace('-', '/')}"
