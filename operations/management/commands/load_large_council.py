"""`manage.py load_large_council`: a council the size of a large county's, for the load
test (`make loadtest`): 300 indicators with 20 quarters of published figures, 200 risks,
500 recovery plans, 20 meetings with published agenda packs, and the member and officer
logins the load test signs in with. For an empty database only.

Figures, risks and plans are written in bulk by the builders the benchmarks use
(tests/factories.py). Packs go through the real publication (`tasks.run_issue`), but
WeasyPrint takes seconds a pack, so only `--rendered-packs` meetings are rendered; each
other meeting has the same agenda and is published as an issue whose stored PDFs are those
of a rendered meeting (its appendices frozen from live data as publication would)."""

import time
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from indicators import roles
from indicators.models import Indicator, Section, Service
from indicators.periods import FinancialQuarter
from indicators.services import save_indicator
from meetings import selectors, tasks
from meetings import services as meetings
from meetings.models import (
    Appendix,
    AppendixKind,
    Committee,
    CommitteeMember,
    IssueKind,
    IssueStatus,
    Meeting,
    MeetingStatus,
    PackIssue,
)
from published_rows.services import refreshed_once, store_published
from tests.factories import bulk_plans, bulk_register, bulk_scorecard

LOADTEST_PASSWORD = "load-test-password"
SECTIONS = ("Start Well", "Live Well", "Age Well")
SERVICES = (
    "Children's Social Care",
    "Education and Skills",
    "Public Health",
    "Adult Social Care",
    "Highways and Transport",
)
COMMITTEE = "Cabinet Committee on Performance Improvement"


class Command(BaseCommand):
    help = (
        "Load a large council (300 indicators x 20 quarters, 200 risks, 500 plans, 20 "
        "published meetings) and load-test logins into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicators", type=int, default=300)
        parser.add_argument("--periods", type=int, default=20, help="Quarters of figures.")
        parser.add_argument("--risks", type=int, default=200)
        parser.add_argument("--plans", type=int, default=500, help="With 10 actions each.")
        parser.add_argument("--meetings", type=int, default=20)
        parser.add_argument(
            "--rendered-packs",
            type=int,
            default=2,
            help="Meetings whose packs WeasyPrint renders; the others reuse their PDFs.",
        )
        parser.add_argument("--members", type=int, default=50, help="member01, member02...")
        parser.add_argument(
            "--officers",
            type=int,
            default=30,
            help="officer01, officer02...; the indicators are shared out among them.",
        )
        parser.add_argument("--password", default=LOADTEST_PASSWORD)

    def handle(self, *args, **options):
        if Indicator.objects.exists() or Meeting.objects.exists():
            raise CommandError("load_large_council fills an empty database; this one has data.")
        if not 1 <= options["meetings"] <= options["periods"]:
            raise CommandError("--meetings: one a quarter, from 1 to --periods.")
        if not 1 <= options["rendered_packs"] <= options["meetings"]:
            raise CommandError("--rendered-packs must be between 1 and --meetings.")
        started = time.perf_counter()
        step = Steps(self.stdout if options["verbosity"] > 1 else None)
        with transaction.atomic(), refreshed_once():
            users = _users(options["members"], options["officers"], options["password"])
            step("users")
            indicators = _scorecard(options["indicators"], options["periods"], users["officers"])
            step("indicators and figures")
            bulk_register(options["risks"])
            bulk_plans(options["plans"], 10, indicators=indicators[:50], owner=users["performance"])
            step("risks and plans")
            meetings_ = _meetings(options["meetings"], options["periods"], users["performance"])
            step("meetings")
            # Its quarters as publication leaves them: their scorecard rows stored.
            store_published()
            step("scorecard rows stored")
        # The latest meetings, the ones members read most, have packs of their own.
        rendered = meetings_[-options["rendered_packs"] :]
        for meeting in rendered:
            _publish(meeting)
        step("packs rendered")
        for n, meeting in enumerate(meetings_[: -len(rendered)]):
            _publish_copy(meeting, rendered[n % len(rendered)])
        step("packs reused")
        self.stdout.write(
            self.style.SUCCESS(
                f"Large council loaded in {time.perf_counter() - started:.0f} s: "
                f"{options['indicators']} indicators x {options['periods']} quarters, "
                f"{options['risks']} risks, {options['plans']} recovery plans, "
                f"{len(meetings_)} published meetings ({len(rendered)} packs rendered)."
            )
        )
        self.stdout.write(
            f"Logins (password {options['password']!r}): member01-member{options['members']:02d} "
            f"(committee members), officer01-officer{options['officers']:02d} (officers, "
            "each owning its own indicators), performance (performance team)."
        )


class Steps:
    """Prints how long each step took (at -v 2)."""

    def __init__(self, out):
        self.out, self.last = out, time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        if self.out:
            self.out.write(f"  {name}: {now - self.last:.1f} s")
        self.last = now


def _users(members: int, officers: int, password: str) -> dict:
    """Members and officers with one password, hashed once: a hash costs half a second of CPU."""
    roles.ensure_role_groups()
    model = get_user_model()
    hashed = make_password(password)

    def people(prefix: str, how_many: int, *, staff: bool) -> list:
        return model.objects.bulk_create(
            model(
                username=f"{prefix}{n:02d}",
                first_name=prefix.capitalize(),
                last_name=f"{n:02d}",
                email=f"{prefix}{n:02d}@example.org",
                is_staff=staff,
                password=hashed,
            )
            for n in range(1, how_many + 1)
        )

    member_rows = people("member", members, staff=False)
    officer_rows = people("officer", officers, staff=True)
    performance = model.objects.create(username="performance", is_staff=True, password=hashed)
    groups = {g.name: g for g in Group.objects.all()}
    memberships = [(u, roles.COMMITTEE_MEMBER) for u in member_rows]
    memberships += [(u, roles.OFFICER) for u in officer_rows]
    memberships.append((performance, roles.PERFORMANCE_TEAM))
    model.groups.through.objects.bulk_create(
        model.groups.through(user_id=user.pk, group_id=groups[role].pk)
        for user, role in memberships
    )
    return {"members": member_rows, "officers": officer_rows, "performance": performance}


def _scorecard(how_many: int, periods: int, officers: list) -> list[Indicator]:
    sections = [
        Section.objects.get_or_create(name=name, defaults={"order": order})[0]
        for order, name in enumerate(SECTIONS, start=1)
    ]
    services = [Service.objects.get_or_create(name=name)[0] for name in SERVICES]
    counter = iter(range(how_many))

    def make_indicator(**fields) -> Indicator:
        # Officer n owns indicators n, n + officers, ...: no two officers share a figure.
        n = next(counter)
        return save_indicator(
            reference=f"L{n + 1:03d}",
            title=f"Indicator {n + 1}",
            unit="percentage",
            decimal_places=1,
            frequency="quarterly",
            section=sections[n * len(sections) // how_many],
            service=services[n % len(services)],
            owner=officers[n % len(officers)],
            order=n + 1,
            **fields,
        )

    bulk_scorecard(make_indicator, how_many, periods=periods)
    return list(Indicator.objects.order_by("order"))


def _meetings(how_many: int, periods: int, author) -> list[Meeting]:
    """A meeting for each of the last `how_many` quarters, two months after it, with the
    standard items and the quarter's performance report, its scorecard as Appendix 'A'."""
    committee = Committee.objects.create(name=COMMITTEE)
    CommitteeMember.objects.bulk_create(
        CommitteeMember(committee=committee, name=f"County Councillor {n}", chair=n == 1, order=n)
        for n in range(1, 13)
    )
    paragraph = (
        "Performance across the council is set out below, service by service, with the "
        "reasons for any change and what is being done where performance requires "
        "improvement. "
    ) * 6
    made = []
    for n in range(periods - how_many, periods):
        quarter = FinancialQuarter(2013 + n // 4, n % 4 + 1)
        month = quarter.end.month + 2
        year = quarter.end.year + (month > 12)
        starts_at = timezone.make_aware(datetime(year, (month - 1) % 12 + 1, 10, 14, 0))
        meeting = meetings.create_meeting(
            committee=committee,
            starts_at=starts_at,
            venue="Committee Room 'B' - County Hall, Preston",
            signatory="L Sales",
            signatory_title="Director of Corporate Services",
        )
        item = meetings.add_item(
            meeting,
            number=selectors.next_report_number(meeting),
            kind="report",
            title=f"Corporate Performance Monitoring Report, {quarter}",
        )
        report = item.report
        report.author = author
        report.report_of = "Chief Executive"
        report.divisions = "All"
        report.contact = "Michael Walder, 01772 533637"
        report.executive_summary = f"This report gives an overview of performance in {quarter}."
        report.recommendation = "The Cabinet Committee is asked to note the report."
        report.background = "\n\n".join([paragraph] * 3)
        report.save()
        Appendix.objects.create(
            report=report,
            letter="A",
            title=f"Corporate scorecard, {quarter}",
            kind=AppendixKind.PERFORMANCE,
            quarter=quarter,
        )
        made.append(meeting)
    return made


def _publish(meeting: Meeting) -> PackIssue:
    """Publish the agenda as the task worker does: rendered, frozen, stored."""
    issue = PackIssue.objects.create(
        meeting=meeting,
        number=1,
        kind=IssueKind.AGENDA,
        items=[item.number for item in meeting.items.all()],
        stage="Waiting for the task worker",
    )
    if tasks.run_issue(issue.pk) != IssueStatus.READY:
        issue.refresh_from_db()
        raise CommandError(f"Rendering the pack of {meeting} failed: {issue.error}")
    issue.refresh_from_db()
    return issue


@transaction.atomic
def _publish_copy(meeting: Meeting, rendered: Meeting) -> PackIssue:
    """Publish the agenda as an issue whose stored PDFs are `rendered`'s (the same agenda),
    with the appendices frozen from live data as publication freezes them."""
    source = selectors.current_issue(rendered)
    items = list(selectors.items_queryset(meeting))
    now = timezone.now()
    for appendix, html, figures in tasks.prepare_appendices(items):
        appendix.frozen_html, appendix.frozen_figures, appendix.frozen_at = html, figures, now
        appendix.save(update_fields=["frozen_html", "frozen_figures", "frozen_at"])
    issue = PackIssue.objects.create(
        meeting=meeting,
        number=1,
        kind=IssueKind.AGENDA,
        items=[item.number for item in items],
        status=IssueStatus.READY,
        stage="Published",
        progress=100,
        finished_at=now,
        public_pack=source.public_pack.name,
        full_pack=source.full_pack.name,
        public_ranges=source.public_ranges,
        full_ranges=source.full_ranges,
        public_pages=source.public_pages,
        full_pages=source.full_pages,
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.PUBLISHED)
    return issue
