"""The indicator admin: inlines, search, filters, history, and who may change what."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Value
from indicators.periods import FinancialQuarter, parse_period
from indicators.services import record_value, set_target
from tests.admin_forms import change_form_data


def change_url(indicator) -> str:
    return reverse("admin:indicators_indicator_change", args=[indicator.pk])


def test_officer_sees_the_indicator_with_its_figures_inline(client, alice, make_indicator):
    indicator = make_indicator(owner=alice, title="Percentage of contacts that lead to a referral")
    record_value(indicator=indicator, period=parse_period("Q3 2017/18"), value=Decimal("34.8"))
    client.force_login(alice)
    response = client.get(change_url(indicator))
    assert response.status_code == 200
    assert "Q3 2017/18" in response.text and "34.8" in response.text


def test_figures_are_read_only_in_the_admin_even_for_the_performance_team(
    client, alice, priya, make_indicator
):
    indicator = make_indicator(owner=alice)
    record_value(indicator=indicator, period=parse_period("Q1 2017/18"), value=Decimal("29.1"))
    for user in (alice, priya):
        client.force_login(user)
        text = client.get(change_url(indicator)).text
        assert "29.1" in text and 'name="values-0-value"' not in text
    assert client.get(reverse("admin:indicators_value_add")).status_code == 403


def test_a_bad_inline_row_saves_nothing_and_names_the_field(client, priya, make_indicator):
    indicator = make_indicator(title="Referral rate")
    client.force_login(priya)
    data = change_form_data(client.get(change_url(indicator)))
    data.update(
        {
            "title": "Changed title",
            "targets-TOTAL_FORMS": "1",
            "targets-0-year": "2017/18",
            "targets-0-kind": "range",
            "targets-0-low": "4.3",
            "targets-0-high": "3.2",
        }
    )
    response = client.post(change_url(indicator), data)
    assert response.status_code == 200
    assert "The low end of the range (4.3) is above the high end (3.2)." in response.text
    indicator.refresh_from_db()
    assert indicator.title == "Referral rate" and not indicator.targets.exists()


def test_officer_cannot_change_another_officers_indicator(client, alice, bob, make_indicator):
    indicator = make_indicator(owner=bob)
    client.force_login(alice)
    data = {"commentaries-TOTAL_FORMS": "1", "commentaries-INITIAL_FORMS": "0"}
    assert client.post(change_url(indicator), data).status_code == 403
    # They may still read it: the page offers no inputs for its commentary.
    response = client.get(change_url(indicator))
    assert response.status_code == 200
    assert 'name="commentaries-0-issues"' not in response.text


def test_officer_cannot_change_a_figure_of_another_officers_indicator_directly(
    client, alice, bob, make_indicator
):
    value = record_value(
        indicator=make_indicator(owner=bob), period=parse_period("Q1 2017/18"), value=Decimal(1)
    )
    client.force_login(alice)
    url = reverse("admin:indicators_value_change", args=[value.pk])
    response = client.post(url, {"indicator": value.indicator_id, "period": "Q1 2017/18"})
    assert response.status_code == 403
    assert Value.objects.get().value == Decimal(1)


def test_officer_cannot_change_targets_or_definitions(client, alice, make_indicator):
    indicator = make_indicator(owner=alice)
    set_target(indicator=indicator, year=parse_period("2017/18"), kind="year_end", value=40)
    client.force_login(alice)
    response = client.get(change_url(indicator))
    # The target is shown, but read-only; so is the definition.
    assert "2017/18" in response.text
    assert 'name="targets-0-value"' not in response.text
    assert 'name="title"' not in response.text
    assert client.get(reverse("admin:indicators_target_add")).status_code == 403


def test_performance_team_changes_any_indicator(client, priya, bob, make_indicator):
    indicator = make_indicator(owner=bob)
    client.force_login(priya)
    data = change_form_data(client.get(change_url(indicator)))
    data["title"] = "Referral rate"
    assert client.post(change_url(indicator), data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.title == "Referral rate"


def test_committee_members_and_the_public_cannot_use_the_admin(client, martin, make_indicator):
    indicator = make_indicator()
    assert client.get(change_url(indicator)).status_code == 302  # to the login page
    client.force_login(martin)
    response = client.get(change_url(indicator))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_clerk_reads_but_cannot_change_indicators(client, clara, make_indicator):
    indicator = make_indicator()
    client.force_login(clara)
    assert client.get(change_url(indicator)).status_code == 200
    assert client.post(change_url(indicator), {}).status_code == 403


def test_history_shows_who_changed_what_before_and_after(client, priya, make_indicator):
    indicator = make_indicator(title="Referral rate")
    client.force_login(priya)
    data = change_form_data(client.get(change_url(indicator)))
    data["title"] = "Number and rate of referrals"
    client.post(change_url(indicator), data)
    history = client.get(reverse("admin:indicators_indicator_history", args=[indicator.pk]))
    assert history.status_code == 200
    assert "priya" in history.text
    assert "Referral rate" in history.text and "Number and rate of referrals" in history.text


def test_changelist_searches_by_reference_and_title(client, priya, make_indicator):
    make_indicator(reference="SW01", title="Number of contacts")
    make_indicator(reference="AW07", title="Delayed transfers of care")
    client.force_login(priya)
    url = reverse("admin:indicators_indicator_changelist")
    assert "Delayed transfers" in client.get(url, {"q": "AW07"}).text
    found = client.get(url, {"q": "contacts"}).text
    assert "Number of contacts" in found and "Delayed transfers" not in found


def test_changelist_filters_by_section_owner_and_polarity(client, priya, alice, make_indicator):
    make_indicator(title="Owned by Alice", owner=alice, polarity="low")
    make_indicator(title="Nobody's", polarity="high")
    client.force_login(priya)
    url = reverse("admin:indicators_indicator_changelist")
    by_owner = client.get(url, {"owner__id__exact": alice.pk}).text
    assert "Owned by Alice" in by_owner and "Nobody&#x27;s" not in by_owner
    by_polarity = client.get(url, {"polarity__exact": "high"}).text
    assert "Nobody&#x27;s" in by_polarity and "Owned by Alice" not in by_polarity


def build_indicators(make_indicator, owner, how_many: int, periods: int = 20) -> None:
    quarters = [FinancialQuarter(2013 + i // 4, i % 4 + 1) for i in range(periods)]
    for _ in range(how_many):
        indicator = make_indicator(owner=owner)
        Value.objects.bulk_create(
            Value(
                indicator=indicator,
                period=q,
                period_start=q.start,
                period_end=q.end,
                value=Decimal(n),
                state="published",
            )
            for n, q in enumerate(quarters)
        )


def changelist_queries(client) -> int:
    url = reverse("admin:indicators_indicator_changelist")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("how_many", [30, 300])
def test_changelist_query_count_does_not_grow_with_indicators(
    client, priya, make_indicator, how_many
):
    build_indicators(make_indicator, priya, how_many)
    client.force_login(priya)
    assert changelist_queries(client) == EXPECTED_CHANGELIST_QUERIES


# Session, user, roles, groups and permissions, the count, the page of rows, and the
# filters' choices (sections, owners, services): a constant, whatever the number of
# indicators.
EXPECTED_CHANGELIST_QUERIES = 11


def test_audit_trail_shows_each_figure_change_with_who_before_and_after(
    client, alice, priya, make_indicator
):
    indicator = make_indicator(owner=alice)
    period = parse_period("Q3 2017/18")
    record_value(indicator=indicator, period=period, value=Decimal("34.1"), by=alice)
    record_value(indicator=indicator, period=period, value=Decimal("34.8"), by=priya)
    client.force_login(alice)
    response = client.get(reverse("admin:indicators_indicator_audit", args=[indicator.pk]))
    assert response.status_code == 200
    entries = response.context["entries"]
    latest = entries[0]
    assert (latest.who, latest.subject) == ("priya", "Value Q3 2017/18")
    assert [(c.field, c.before, c.after) for c in latest.changes] == [("Value", "34.1", "34.8")]
    assert entries[1].who == "alice"


def test_audit_trail_is_not_for_committee_members(client, martin, make_indicator):
    indicator = make_indicator()
    client.force_login(martin)
    response = client.get(reverse("admin:indicators_indicator_audit", args=[indicator.pk]))
    assert response.status_code == 302
