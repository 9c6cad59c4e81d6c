"""Recovery plans: the "needs a plan" rule, the services' refusals, the pages and who may
use them, the list's query count, the calendar feed."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.periods import FinancialQuarter, FinancialYear
from indicators.rag import Rag
from indicators.services import record_value, set_target
from recovery_plans import services
from recovery_plans.models import Action, ActionStatus, Lead, RecoveryPlan, StatusChange
from recovery_plans.rules import COVERED, NEEDED, PlanRef, needs_plan, plan_state

PASSWORD = "correct-horse-battery"
Q4 = FinancialQuarter(2017, 4)
YEAR = FinancialYear(2017)


# --- the rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "year_end", "needed"),
    [
        (Rag.RED, None, True),
        (Rag.AMBER, None, False),
        (Rag.GREEN, None, False),
        (None, None, False),
        (Rag.GREEN, Rag.AMBER, True),  # missed the year-end target, if only slightly
        (Rag.GREEN, Rag.RED, True),
        (None, Rag.GREEN, False),
    ],
)
def test_a_plan_is_needed_when_requiring_improvement_or_missing_the_year_end(
    rating, year_end, needed
):
    assert needs_plan(rating, year_end) is needed


def test_an_open_plan_covers_and_a_closed_one_covers_only_what_came_before_it():
    end = date(2018, 3, 31)
    open_plan = PlanRef(1, "Open", True, None)
    closed_after = PlanRef(2, "Closed later", False, date(2018, 6, 1))
    closed_before = PlanRef(3, "Closed earlier", False, date(2018, 1, 1))
    assert plan_state(Rag.RED, None, [open_plan], end) == (COVERED, open_plan)
    assert plan_state(Rag.RED, None, [closed_after], end) == (COVERED, closed_after)
    assert plan_state(Rag.RED, None, [closed_before], end) == (NEEDED, None)
    assert plan_state(Rag.GREEN, None, [closed_before], end) == (None, None)
    # A plan still open is shown even once the figure is back on track.
    assert plan_state(Rag.GREEN, None, [open_plan], end) == (COVERED, open_plan)


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def red_indicator(make_indicator, alice):
    """Alice's indicator, 40% against a target of 60% in Q4 2017/18: requires improvement."""
    indicator = make_indicator(title="Reviews on time", owner=alice)
    record_value(indicator=indicator, period=Q4, value=Decimal("40"))
    set_target(indicator=indicator, year=YEAR, kind="year_end", value=Decimal("60"))
    return indicator


@pytest.fixture
def plan(red_indicator, alice):
    plan = services.save_plan(
        title="Put reviews back on time",
        indicators=[red_indicator],
        period=YEAR,
        owner=alice,
        why="Staff vacancies.\n\n- two posts empty\n- <script>alert(1)</script>",
        opened_on=date(2018, 5, 1),
    )
    services.save_action(
        plan=plan,
        text="Recruit two reviewers",
        leads=services.leads_named(["Helen Smith"]),
        completion="July 2013",
        status="planned",
        by=alice,
    )
    services.save_action(
        plan=plan,
        text="Review the rota",
        leads=services.leads_named(["Helen Smith", "Mike Snelson"]),
        completion="Ongoing",
        status="underway",
        by=alice,
    )
    return plan


def _login(client, user):
    # Through the sign-in page, as a person signs in (login throttling needs the request).
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


# --- the services refuse bad input and keep history -------------------------------------


def test_a_plan_with_no_indicator_is_refused(alice):
    with pytest.raises(ValidationError, match="at least one indicator"):
        services.save_plan(
            title="Nothing",
            indicators=[],
            period=YEAR,
            owner=alice,
            why="-",
            opened_on=date(2018, 1, 1),
        )
    assert RecoveryPlan.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"completion": "Julember 2013"}, '"Julember" is not a month'),
        ({"leads": []}, "at least one lead"),
        ({"completion": ""}, "Give a completion date, or mark the action complete"),
        ({"number": 1}, "already has an action 1"),
    ],
)
def test_bad_actions_are_refused_and_nothing_is_saved(plan, alice, changes, message):
    fields = {
        "text": "Another action",
        "leads": services.leads_named(["Helen Smith"]),
        "completion": "August 2013",
        "status": "planned",
        **changes,
    }
    before = (Action.objects.count(), StatusChange.objects.count())
    with pytest.raises(ValidationError, match=message):
        services.save_action(plan=plan, by=alice, **fields)
    assert (Action.objects.count(), StatusChange.objects.count()) == before


def test_a_complete_action_needs_no_date_and_every_status_change_is_kept(plan, alice, priya):
    action = plan.actions.get(number=1)
    services.set_action_status(action, status="underway", note="Advert placed", by=alice)
    services.set_action_status(action, status="complete", note="Both appointed", by=priya)
    trail = [
        (c.old_status, c.new_status, c.changed_by.username, c.note)
        for c in action.status_changes.all()
    ]
    assert trail == [
        ("", "planned", "alice", ""),
        ("planned", "underway", "alice", "Advert placed"),
        ("underway", "complete", "priya", "Both appointed"),
    ]
    with pytest.raises(ValidationError, match="already Complete"):
        services.set_action_status(action, status="complete", note="", by=alice)
    done = services.save_action(
        plan=plan,
        text="Done before the plan",
        leads=services.leads_named(["Helen Smith"]),
        completion="",
        status="complete",
        by=alice,
    )
    assert done.number == 3 and done.due_on is None


def test_overdue_is_computed_never_stored(plan):
    action = plan.actions.get(number=1)  # July 2013, planned
    assert action.due_on == date(2013, 7, 31)
    assert action.is_overdue(date(2013, 8, 1)) and not action.is_overdue(date(2013, 7, 31))
    assert not plan.actions.get(number=2).is_overdue(date(2030, 1, 1))  # ongoing
    assert list(Action.objects.overdue(date(2013, 8, 1))) == [action]


def test_closing_while_an_indicator_requires_improvement_needs_a_reason(plan, alice):
    with pytest.raises(ValidationError, match="not back on track: Reviews on time"):
        services.close_plan(plan, closed_on=date(2018, 9, 1), reason="  ", by=alice)
    plan.refresh_from_db()
    assert plan.is_open
    services.close_plan(
        plan, closed_on=date(2018, 9, 1), reason="Superseded by the new service plan", by=alice
    )
    plan.refresh_from_db()
    assert (plan.status, plan.closed_on) == ("closed", date(2018, 9, 1))
    assert plan.close_reason == "Superseded by the new service plan"


def test_closing_when_back_on_track_records_the_figures(plan, red_indicator, alice):
    record_value(indicator=red_indicator, period=FinancialQuarter(2018, 1), value=Decimal("65"))
    set_target(
        indicator=red_indicator, year=FinancialYear(2018), kind="year_end", value=Decimal("60")
    )
    services.close_plan(plan, closed_on=date(2018, 9, 1), reason="", by=alice)
    plan.refresh_from_db()
    assert plan.close_reason == "Back on track: Reviews on time 65.0% (Q1 2018/19), on track"


# --- pages ---------------------------------------------------------------------------------


def test_the_plan_page_shows_live_performance_and_every_action(client, plan, martin):
    _login(client, martin)
    response = client.get(f"/recovery-plans/{plan.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "40.0%" in html and "Q4 2017/18" in html  # from the published figure
    assert "60.0" in html and "Requires improvement" in html
    assert "<script>alert(1)</script>" not in html and "two posts empty" in html
    for text in ("Recruit two reviewers", "Review the rota", "Helen Smith", "Mike Snelson"):
        assert text in html
    assert "July 2013" in html and "Ongoing" in html
    assert "Overdue" in html  # July 2013 has long passed
    assert "Edit the plan" not in html  # members read


@pytest.mark.parametrize(
    ("who", "read", "edit"),
    [
        ("anonymous", 302, 302),
        ("martin", 200, 403),  # committee member
        ("clara", 200, 403),  # clerk
        ("bob", 200, 403),  # an officer who does not own the indicator
        ("alice", 200, 200),  # the owner
        ("priya", 200, 200),  # the performance team
    ],
)
def test_who_may_read_and_change_a_plan(client, plan, request, who, read, edit):
    if who != "anonymous":
        _login(client, request.getfixturevalue(who))
    base = f"/recovery-plans/{plan.pk}"
    assert client.get(f"{base}/").status_code == read
    for url in (
        "/edit/",
        "/actions/new/",
        "/actions/1/edit/",
        "/close/",
        "/updates/new/",
        "/presentations/new/",
    ):
        assert client.get(base + url).status_code == edit, url
    response = client.post(f"{base}/actions/1/status/", {"status": "complete", "note": "x"})
    assert response.status_code == (302 if edit == 200 or who == "anonymous" else 403)
    expected = "complete" if edit == 200 else "planned"
    assert plan.actions.get(number=1).status == expected


def test_a_lead_with_a_login_moves_their_own_action_on(client, plan, bob):
    Lead.objects.filter(name="Mike Snelson").update(user=bob)
    _login(client, bob)
    base = f"/recovery-plans/{plan.pk}/actions"
    assert client.post(f"{base}/1/status/", {"status": "complete"}).status_code == 403
    response = client.post(f"{base}/2/status/", {"status": "complete", "note": "Rota agreed"})
    assert response.status_code == 302
    change = plan.actions.get(number=2).status_changes.last()
    assert (change.new_status, change.changed_by, change.note) == ("complete", bob, "Rota agreed")


def test_an_officer_adds_an_action_and_bad_input_is_named(client, plan, alice):
    _login(client, alice)
    url = f"/recovery-plans/{plan.pk}/actions/new/"
    response = client.post(
        url,
        {"text": "Train staff", "leads": "", "completion": "Julember 2013", "status": "planned"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lead: Name at least one lead for the action." in html
    assert (
        "Completion date: &quot;Julember 2013&quot;: &quot;Julember&quot; is not a month." in html
    )
    assert plan.actions.count() == 2
    response = client.post(
        url,
        {
            "heading": "Training",
            "text": "Train staff",
            "leads": "Stasia Osiowy/ Anne-Marie Ranson",
            "completion": "March 2014/15",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    action = plan.actions.get(number=3)
    leads = action.leads.order_by("actionlead__position")
    assert [lead.name for lead in leads] == ["Stasia Osiowy", "Anne-Marie Ranson"]
    assert (action.completion, action.due_on) == ("March 2014/15", date(2015, 3, 31))


def test_a_plan_form_without_indicators_or_with_a_ragged_table_is_refused(client, alice, priya):
    _login(client, priya)
    response = client.post(
        "/recovery-plans/new/",
        {
            "title": "A plan",
            "period": "2017/18",
            "owner": alice.pk,
            "opened_on": "2018-05-01",
            "why": "Because",
            "comparative_table": "Council\tScore\nBlackburn\t19.3\nBlackpool",
        },
    )
    html = response.content.decode()
    assert "Choose at least one indicator for the plan to cover." in html
    assert "Row 3 has 1 cells but the headings have 2." in html
    assert RecoveryPlan.objects.count() == 0


def test_officers_may_only_pick_their_own_indicators(client, red_indicator, make_indicator, bob):
    _login(client, bob)
    mine = make_indicator(title="Bob's measure", owner=bob)
    response = client.get("/recovery-plans/new/")
    choices = [i.pk for i in response.context["form"].fields["indicators"].queryset]
    assert choices == [mine.pk]
    response = client.post(
        "/recovery-plans/new/",
        {
            "title": "Not mine",
            "indicators": [red_indicator.pk],
            "period": "2017/18",
            "owner": bob.pk,
            "opened_on": "2018-05-01",
            "why": "x",
        },
    )
    assert "is not one of the available choices" in response.content.decode()
    assert RecoveryPlan.objects.count() == 0


def test_the_scorecard_says_a_plan_is_needed_until_one_covers_it(client, red_indicator, alice):
    response = client.get("/scorecard/?plan=needed")
    assert [row.indicator for row in response.context["view"].rows] == [red_indicator]
    # A link to the indicator's page, which says why a plan is needed.
    link = re.search(
        r'<a class="[^"]*app-plan-note--needed" href="([^"]+)">Recovery plan needed<',
        response.content.decode(),
    )
    assert link and link.group(1) == f"/indicators/{red_indicator.reference}/#recovery-plan"
    page = client.get(link.group(1).split("#")[0]).content.decode()
    assert 'id="recovery-plan"' in page and "Recovery plan needed" in page
    _login(client, alice)
    response = client.get("/recovery-plans/needed/?quarter=Q4 2017/18")
    assert [row.indicator for row in response.context["rows"]] == [red_indicator]
    assert (
        f"/recovery-plans/new/?indicator={red_indicator.reference}&amp;period=Q4%202017/18"
        in response.content.decode()
    )
    plan = services.save_plan(
        title="Back on time",
        indicators=[red_indicator],
        period=YEAR,
        owner=alice,
        why="x",
        opened_on=date(2018, 5, 1),
    )
    response = client.get("/scorecard/")
    assert f'href="/recovery-plans/{plan.pk}/"' in response.content.decode()
    assert client.get("/scorecard/?plan=needed").context["view"].rows == []
    assert client.get("/recovery-plans/needed/").context["rows"] == []


def test_the_needed_list_is_for_owners_and_the_team(client, red_indicator, martin, clara):
    for user in (martin, clara):
        _login(client, user)
        assert client.get("/recovery-plans/needed/").status_code == 403
        assert client.get("/recovery-plans/due/").status_code == 403
        assert client.get("/recovery-plans/new/").status_code == 403


def test_the_list_filters_and_costs_the_same_queries_for_3_and_30_plans(
    client, make_indicator, alice, bob, priya
):
    indicator = make_indicator(owner=alice)

    def add_plans(how_many, owner):
        for n in range(how_many):
            plan = services.save_plan(
                title=f"Plan {owner.username} {n}",
                indicators=[indicator],
                period=YEAR,
                owner=owner,
                why="x",
                opened_on=date(2018, 1, 1),
            )
            for completion in ("July 2013", "Ongoing", f"December {date.today().year + 1}"):
                services.save_action(
                    plan=plan,
                    text="Do it",
                    leads=services.leads_named(["Helen Smith"]),
                    completion=completion,
                    status="planned",
                    by=priya,
                )

    _login(client, priya)
    add_plans(3, alice)
    with CaptureQueriesContext(connection) as small:
        response = client.get("/recovery-plans/")
    assert len(response.context["plans"]) == 3
    add_plans(27, bob)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/recovery-plans/")
    assert len(response.context["plans"]) == 30
    assert len(small) == len(large)
    plans = client.get(f"/recovery-plans/?owner={bob.pk}").context["plans"]
    assert {p.owner for p in plans} == {bob} and len(plans) == 27
    first = plans[0]
    assert (first.action_count, first.overdue_count, first.complete_count) == (3, 1, 0)
    Action.objects.filter(completion="July 2013", plan__owner=alice).update(
        status=ActionStatus.COMPLETE
    )
    overdue = client.get("/recovery-plans/?overdue=on").context["plans"]
    assert {p.owner for p in overdue} == {bob}


def test_actions_due_and_overdue_and_the_lead_calendar(client, plan, alice, priya):
    from icalendar import Calendar

    today = date.today()
    soon = today + timedelta(days=10)
    services.save_action(
        plan=plan,
        text="Report to the board",
        leads=services.leads_named(["Helen Smith"]),
        completion=f"{soon.day} {soon:%B %Y}",
        status="planned",
        by=alice,
    )
    _login(client, priya)
    response = client.get("/recovery-plans/due/")
    assert [a.text for a in response.context["overdue"]] == ["Recruit two reviewers"]
    assert [a.text for a in response.context["upcoming"]] == ["Report to the board"]
    helen = Lead.objects.get(name="Helen Smith")
    assert helen.get_calendar_url() in response.content.decode()
    client.logout()
    feed = client.get(helen.get_calendar_url())  # calendar programs do not sign in
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    # "Ongoing" has no day to put in a calendar.
    assert sorted(e.decoded("dtstart") for e in events) == [date(2013, 7, 31), soon]
    assert all("Put reviews back on time" in str(e["summary"]) for e in events)
    assert client.get("/recovery-plans/calendar/not-a-token.ics").status_code == 404


def test_progress_update_presentation_and_close_through_the_pages(client, plan, alice):
    _login(client, alice)
    base = f"/recovery-plans/{plan.pk}"
    client.post(f"{base}/updates/new/", {"written_on": "2018-08-01", "text": "Both posts filled"})
    client.post(
        f"{base}/presentations/new/",
        {"committee": "Cabinet Committee on Performance Improvement", "meeting_date": "2018-06-27"},
    )
    response = client.post(f"{base}/close/", {"closed_on": "2018-09-01", "reason": ""})
    assert "not back on track" in response.content.decode()
    client.post(f"{base}/close/", {"closed_on": "2018-09-01", "reason": "Service redesigned"})
    html = client.get(f"{base}/").content.decode()
    assert "Both posts filled" in html
    assert "Presented to the Cabinet Committee on Performance Improvement on 27 June 2018" in html
    assert "Closed on 1 September 2018: Service redesigned" in html


def test_the_plan_page_costs_the_same_queries_for_2_and_12_actions(client, plan, alice):
    _login(client, alice)
    url = f"/recovery-plans/{plan.pk}/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        action = services.save_action(
            plan=plan,
            text=f"More {n}",
            leads=services.leads_named(["Helen Smith", f"Lead {n}"]),
            completion="Ongoing",
            status="planned",
            by=alice,
        )
        services.set_action_status(action, status="underway", note="Started", by=alice)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["actions"]) == 12
    assert len(few) == len(many)


def test_the_indicator_page_asks_for_a_plan_then_links_it(client, red_indicator, alice, bob):
    _login(client, alice)
    html = client.get(f"/indicators/{red_indicator.reference}/").content.decode()
    assert "Recovery plan needed" in html and "requires improvement" in html
    assert "Write a plan<span" in html  # Alice owns it
    _login(client, bob)
    html = client.get(f"/indicators/{red_indicator.reference}/").content.decode()
    assert "Recovery plan needed" in html and "Write a plan<span" not in html
    plan = services.save_plan(
        title="Back on time",
        indicators=[red_indicator],
        period=YEAR,
        owner=alice,
        why="x",
        opened_on=date(2018, 5, 1),
    )
    html = client.get(f"/indicators/{red_indicator.reference}/").content.decode()
    assert "Recovery plan needed" not in html
    assert f'href="/recovery-plans/{plan.pk}/">Back on time</a> (open)' in html


def test_the_performance_team_links_a_lead_to_a_login_in_the_admin(client, plan, priya, alice):
    helen = Lead.objects.get(name="Helen Smith")
    url = f"/admin/recovery_plans/lead/{helen.pk}/change/"
    _login(client, alice)
    assert client.get(url).status_code == 403
    _login(client, priya)
    assert helen.get_calendar_url() in client.get(url).content.decode()
    response = client.post(url, {"name": "Helen Smith", "job_title": "Adviser", "user": alice.pk})
    assert response.status_code == 302
    helen.refresh_from_db()
    assert (helen.user, helen.job_title) == (alice, "Adviser")
