"""Who changed this? Every write a council asks that about names the signed-in user in
the record's history, and bad input is refused before anything is saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Publication, Value
from indicators.periods import FinancialQuarter, FinancialYear
from indicators.services import record_value, set_target
from meetings import services
from meetings.models import Appendix, Committee, Meeting
from recovery_plans import services as plan_services
from returns.workflow import Entry as Line
from returns.workflow import save_entry
from risks.models import Entry, Review, RiskMatrix
from risks.services import open_review, save_matrix

Q4 = FinancialQuarter(2017, 4)
YEAR = FinancialYear(2017)


def latest_user(row):
    return row.history.order_by("-history_id").first().history_user


@pytest.fixture
def meeting(clara):
    committee = Committee.objects.create(name="Cabinet Committee on Performance Improvement")
    return services.create_meeting(
        committee=committee, starts_at="2018-10-04T13:00Z", venue="County Hall", by=clara
    )


def test_the_clerk_is_named_for_the_meeting_and_its_standard_items(client, clara):
    client.force_login(clara)
    committee = Committee.objects.create(name="Audit Committee")
    form = {
        "committee": committee.pk,
        "date": "2018-10-04",
        "time": "14:00",
        "venue": "County Hall",
        "signatory": "L Sales",
        "signatory_title": "Director of Corporate Services",
    }
    assert client.post(reverse("meetings:create"), form).status_code == 302
    meeting = Meeting.objects.get()
    assert latest_user(meeting) == clara
    assert {latest_user(item) for item in meeting.items.all()} == {clara}
    form["venue"] = "Committee Room B"
    assert client.post(reverse("meetings:edit", args=[meeting.pk]), form).status_code == 302
    meeting.refresh_from_db()
    assert meeting.venue == "Committee Room B"
    assert latest_user(meeting) == clara


def test_the_clerk_is_named_for_an_added_item_its_report_and_the_items_moved(
    client, clara, alice, meeting
):
    client.force_login(clara)
    response = client.post(
        reverse("meetings:item_create", args=[meeting.pk]),
        {"number": 4, "kind": "report", "title": "Risk Register", "part": 1, "author": alice.pk},
    )
    assert response.status_code == 302
    item = meeting.items.get(number=4)
    assert item.report.author == alice
    assert latest_user(item) == clara
    assert latest_user(item.report) == clara
    assert latest_user(meeting.items.get(number=5)) == clara  # moved down one
    response = client.post(
        reverse("meetings:item_edit", args=[meeting.pk, 4]),
        {"title": "Corporate Risk Register", "part": 1, "author": alice.pk},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Corporate Risk Register"
    assert latest_user(item) == clara


def test_the_author_is_named_for_the_report_and_its_appendix(client, clara, alice, meeting):
    item = services.add_item(meeting, number=4, kind="report", title="Risk", author=alice, by=clara)
    client.force_login(alice)
    fields = {
        "report_of": "Chief Executive",
        "divisions": "All",
        "contact": "Alice",
        "executive_summary": "Risks are down.",
        "recommendation": "Note the report.",
        "background": "The register.",
    }
    url = reverse("meetings:report_edit", args=[meeting.pk, 4])
    assert client.post(url, fields).status_code == 302
    item.report.refresh_from_db()
    assert item.report.executive_summary == "Risks are down."
    assert latest_user(item.report) == alice
    response = client.post(
        reverse("meetings:appendix_create", args=[meeting.pk, 4]),
        {"letter": "A", "title": "Notes", "kind": "written", "body": "Some notes."},
    )
    assert response.status_code == 302
    appendix = Appendix.objects.get(report=item.report)
    assert latest_user(appendix) == alice


def test_a_meeting_without_a_venue_is_refused_and_nothing_changes(clara, meeting):
    with pytest.raises(ValidationError) as refused:
        services.save_meeting(
            meeting,
            committee=meeting.committee,
            starts_at=meeting.starts_at,
            venue="",
            signatory="",
            signatory_title="",
            by=clara,
        )
    assert "venue" in refused.value.message_dict
    assert Meeting.objects.get(pk=meeting.pk).venue == "County Hall"


def test_a_report_part_that_does_not_exist_is_refused(clara, meeting):
    item = services.add_item(meeting, number=4, kind="report", title="Risk", by=clara)
    with pytest.raises(ValidationError, match="no part called summary"):
        services.save_report(item.report, summary="x", by=clara)


@pytest.fixture
def plan(make_indicator, alice):
    indicator = make_indicator(title="Reviews on time", owner=alice)
    record_value(indicator=indicator, period=Q4, value=Decimal("40"))
    set_target(indicator=indicator, year=YEAR, kind="year_end", value=Decimal("60"))
    plan = plan_services.save_plan(
        title="Put reviews back on time",
        indicators=[indicator],
        period=YEAR,
        owner=alice,
        why="Staff vacancies.",
        opened_on=date(2018, 5, 1),
        by=alice,
    )
    plan_services.save_action(
        plan=plan,
        text="Recruit two reviewers",
        leads=plan_services.leads_named(["Helen Smith"]),
        completion="July 2013",
        status="planned",
        by=alice,
    )
    return plan


def test_the_officer_is_named_for_the_plan_and_an_action_moved_on(client, alice, priya, plan):
    assert latest_user(plan) == alice
    client.force_login(priya)
    response = client.post(
        reverse("recovery_plans:action_status", args=[plan.pk, 1]),
        {"status": "underway", "note": "Advert placed"},
    )
    assert response.status_code == 302
    action = plan.actions.get(number=1)
    assert action.status == "underway"
    assert latest_user(action) == priya
    plan_services.close_plan(plan, closed_on=date(2019, 5, 1), reason="Merged", by=priya)
    assert latest_user(plan) == priya


def test_an_action_with_a_bad_date_is_refused_and_its_history_is_unchanged(alice, plan):
    action = plan.actions.get(number=1)
    before = action.history.count()
    with pytest.raises(ValidationError):
        plan_services.set_action_status(action, status="planned", note="", by=alice)
    with pytest.raises(ValidationError):
        plan_services.save_action(
            plan=plan,
            action=action,
            text="Recruit",
            leads=plan_services.leads_named(["Helen Smith"]),
            completion="someday soon",
            status="planned",
            by=alice,
        )
    assert action.history.count() == before
    assert plan.actions.get(number=1).completion == "July 2013"


def test_the_team_is_named_for_opening_and_closing_a_review(client, priya):
    client.force_login(priya)
    client.post(reverse("risks:reviews"), {"action": "open", "quarter": "Q1 2018/19"})
    review = Review.objects.get()
    assert latest_user(review) == priya
    client.post(reverse("risks:reviews"), {"action": "close", "review": review.pk})
    review.refresh_from_db()
    assert review.status == "closed"
    assert latest_user(review) == priya


def test_a_second_open_review_is_refused(priya):
    open_review(quarter=FinancialQuarter(2018, 1), by=priya)
    with pytest.raises(ValidationError, match="still open"):
        open_review(quarter=FinancialQuarter(2018, 2), by=priya)
    assert Review.objects.count() == 1


def test_the_team_is_named_for_a_change_to_the_key_to_scores(priya):
    matrix = RiskMatrix.objects.create(
        impact_names=["Insignificant", "Minor", "Moderate", "Major", "Catastrophic"],
        likelihood_names=["Rare", "Unlikely", "Possible", "Likely", "Almost certain"],
        bands=[
            {"name": "Low", "low": 1, "high": 6, "colour": "#00703c"},
            {"name": "Medium", "low": 7, "high": 14, "colour": "#ffdd00"},
            {"name": "High", "low": 15, "high": 25, "colour": "#d4351c"},
        ],
    )
    matrix.threshold = 15
    save_matrix(matrix, by=priya)
    assert latest_user(matrix) == priya
    matrix.threshold = 99
    with pytest.raises(ValidationError):
        save_matrix(matrix, by=priya)
    assert RiskMatrix.objects.get(pk=matrix.pk).threshold == 15


def test_the_admin_names_who_changed_a_risk_entry(client, priya):
    entry = Entry.objects.create(
        reference="R1",
        title="Funding gap",
        kind="risk",
        description="d",
        owner_title="Director of Finance",
        inherent_impact=4,
        inherent_likelihood=4,
        residual_impact=3,
        residual_likelihood=3,
    )
    client.force_login(priya)
    page = client.get(reverse("admin:risks_entry_change", args=[entry.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["title"] = "Funding gap widens"
    response = client.post(reverse("admin:risks_entry_change", args=[entry.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.title == "Funding gap widens"
    assert latest_user(entry) == priya


def test_the_team_is_named_for_publishing_a_quarter(client, make_indicator, alice, priya):
    measure = make_indicator(owner=alice, reference="P1")
    quarter = FinancialQuarter(2017, 3)
    save_entry(
        indicator=measure, period=quarter, entry=Line(Decimal("34.8")), by=alice, submit=True
    )
    client.force_login(priya)
    review = reverse("returns:review", args=["2017-18", "Q3"])
    client.post(review, {"action": "sign_off", "line": [f"{measure.pk}-{quarter.key}"]})
    client.post(review, {"action": "publish", "confirm": "yes"})
    publication = Publication.objects.get(quarter=quarter)
    assert (publication.published_by, publication.figures) == (priya, 1)
    figure = Value.objects.get(indicator=measure)
    assert figure.state == "published" and latest_user(figure) == priya
