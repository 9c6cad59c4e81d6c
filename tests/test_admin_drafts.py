"""Draft figures, draft commentary and the audit trail in the admin: the performance team's,
and each officer's for the indicators they keep. Clerks and other officers see what is
published, and no history."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.periods import parse_period
from indicators.services import record_value, write_commentary
from returns.workflow import Entry, save_entry

Q3, Q4 = parse_period("Q3 2017/18"), parse_period("Q4 2017/18")


@pytest.fixture
def draft(alice, make_indicator):
    """Alice's indicator: Q3 published, Q4 a draft figure with its draft commentary."""
    indicator = make_indicator(owner=alice, reference="SW99")
    record_value(indicator=indicator, period=Q3, value=Decimal("31.0"))
    value = save_entry(
        indicator=indicator,
        period=Q4,
        entry=Entry(Decimal("77.7"), issues="Draft: do not publish."),
        by=alice,
    )
    return value


def test_clerk_and_other_officers_do_not_see_draft_figures_in_the_admin(
    client, clara, bob, alice, draft
):
    changelist = reverse("admin:indicators_value_changelist") + "?state__exact=draft"
    change = reverse("admin:indicators_value_change", args=[draft.pk])
    history = reverse("admin:indicators_value_history", args=[draft.pk])
    indicator = reverse("admin:indicators_indicator_change", args=[draft.indicator.pk])
    for user in (clara, bob):
        client.force_login(user)
        assert "77.7" not in client.get(changelist).text
        assert client.get(change).status_code == 302  # "doesn't exist", as Django says
        assert client.get(history).status_code in (403, 404)
        page = client.get(indicator)
        assert page.status_code == 200 and "31.0" in page.text and "77.7" not in page.text
    client.force_login(alice)
    assert "77.7" in client.get(changelist).text
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.value == Decimal("77.7")


def test_draft_commentary_is_not_shown_to_clerks_or_other_officers(
    client, clara, bob, alice, draft
):
    commentary = draft.indicator.commentaries.get(period=Q4)
    changelist = reverse("admin:indicators_commentary_changelist")
    change = reverse("admin:indicators_commentary_change", args=[commentary.pk])
    for user in (clara, bob):
        client.force_login(user)
        assert change not in client.get(changelist).text
        assert client.get(change).status_code == 302
        page = client.get(reverse("admin:indicators_indicator_change", args=[draft.indicator.pk]))
        assert "Draft: do not publish." not in page.text
    client.force_login(alice)
    assert change in client.get(changelist).text


def test_only_the_performance_team_and_the_owner_read_the_audit_trail_and_figure_history(
    client, clara, bob, alice, priya, draft
):
    published = draft.indicator.values.get(period=Q3)
    write_commentary(indicator=draft.indicator, period=Q3, issues="Published commentary.")
    commentary = draft.indicator.commentaries.get(period=Q3)
    pages = [
        reverse("admin:indicators_indicator_audit", args=[draft.indicator.pk]),
        reverse("admin:indicators_value_history", args=[published.pk]),
        reverse("admin:indicators_commentary_history", args=[commentary.pk]),
        reverse(
            "admin:indicators_value_simple_history",
            args=[published.pk, published.history.earliest("history_date").history_id],
        ),
    ]
    for user in (clara, bob):
        client.force_login(user)
        assert [client.get(url).status_code for url in pages] == [403] * 4, user
    for user in (priya, alice):
        client.force_login(user)
        assert [client.get(url).status_code for url in pages] == [200] * 4


def test_the_audit_trail_link_is_offered_only_to_those_who_may_read_it(client, clara, alice, draft):
    url = reverse("admin:indicators_indicator_change", args=[draft.indicator.pk])
    audit = reverse("admin:indicators_indicator_audit", args=[draft.indicator.pk])
    client.force_login(clara)
    assert audit not in client.get(url).text
    client.force_login(alice)
    assert audit in client.get(url).text
