"""The admin's history pages: reading a record's history never lets anyone change it beyond
what the change form allows, and figures are never reverted there."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from indicators.models import Target, ValueState
from risks.models import Entry
from tests.admin_forms import _add_form


@pytest.fixture
def council(demo_council):
    return {u.username: u for u in get_user_model().objects.all()}


@pytest.fixture
def figure(council, make_indicator):
    """A figure entered as a draft, submitted, signed off and published."""
    from decimal import Decimal

    from indicators.periods import parse_period
    from returns.workflow import Entry as Line
    from returns.workflow import publish_quarter, save_entry, sign_off

    quarter = parse_period("Q3 2017/18")
    indicator = make_indicator(owner=council["officer"], reference="ZZ1")
    save_entry(
        indicator=indicator, period=quarter, entry=Line(Decimal("34.8")), by=council["officer"]
    )
    value = save_entry(
        indicator=indicator,
        period=quarter,
        entry=Line(Decimal("34.8")),
        by=council["officer"],
        submit=True,
    )
    sign_off(values=[value], by=council["performance"])
    publish_quarter(quarter=quarter, by=council["performance"])
    value.refresh_from_db()
    assert value.state == ValueState.PUBLISHED
    return value


def change_form_data(response) -> dict:
    """The history form's fields as a browser would post them (it has no inlines)."""
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    return data


def history_form_url(obj, version) -> str:
    opts = obj._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_simple_history"
    return reverse(name, args=[obj.pk, version.history_id])


def test_clerk_cannot_rewrite_a_target_through_its_history_page(client, council):
    target = Target.objects.filter(value__isnull=False).order_by("pk").first()
    version = target.history.earliest("history_date")
    client.force_login(council["performance"])
    data = change_form_data(client.get(history_form_url(target, version)))
    data.update({"value": "1", "_save": "Save"})
    client.force_login(council["clerk"])
    before = target.value
    response = client.post(history_form_url(target, version), data)
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.value == before
    assert (
        client.get(reverse("admin:indicators_target_change", args=[target.pk])).status_code == 200
    )
    assert "Revert" not in client.get(history_form_url(target, version)).text


def test_clerk_cannot_roll_a_published_figure_back_to_a_draft(client, council, figure):
    draft = figure.history.filter(state="draft").earliest("history_date")
    page = reverse("indicators:detail", args=[figure.indicator.reference])
    shown = client.get(page).text
    client.force_login(council["clerk"])
    response = client.post(history_form_url(figure, draft), {"_save": "Save"})
    assert response.status_code == 403
    figure.refresh_from_db()
    assert figure.state == ValueState.PUBLISHED
    client.logout()
    assert client.get(page).text == shown


def test_nobody_reverts_a_figure_in_the_admin_not_even_the_performance_team(
    client, council, figure
):
    draft = figure.history.filter(state="draft").earliest("history_date")
    for who in ("performance", "admin"):
        client.force_login(council[who])
        assert client.post(history_form_url(figure, draft), {"_save": "Save"}).status_code == 403
        figure.refresh_from_db()
        assert figure.state == ValueState.PUBLISHED


def test_officer_cannot_rewrite_another_officers_risk_entry_through_its_history(client, council):
    entry = Entry.objects.filter(owner=council["officer2"]).order_by("pk").first()
    version = entry.history.earliest("history_date")
    client.force_login(council["performance"])
    data = change_form_data(client.get(history_form_url(entry, version)))
    data.update({"title": "Rewritten by someone else", "_save": "Save"})
    client.force_login(council["officer"])
    assert (
        client.post(reverse("admin:risks_entry_change", args=[entry.pk]), data).status_code == 403
    )
    response = client.post(history_form_url(entry, version), data)
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.title != "Rewritten by someone else"


def test_performance_team_still_reverts_a_target(client, council):
    target = Target.objects.filter(value__isnull=False).order_by("pk").first()
    version = target.history.earliest("history_date")
    client.force_login(council["performance"])
    data = change_form_data(client.get(history_form_url(target, version)))
    data.update({"note": "Restored after a typing slip", "_save": "Save"})
    response = client.post(history_form_url(target, version), data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.note == "Restored after a typing slip"


def test_every_history_admin_guards_its_revert():
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    from scorecard.history_admin import GuardedHistoryAdmin

    unguarded = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
        and not isinstance(model_admin, GuardedHistoryAdmin)
    ]
    assert unguarded == []


def test_officer_cannot_restore_a_definition_they_may_not_change_by_reverting(
    client, alice, make_indicator
):
    indicator = make_indicator(owner=alice, title="Referrals within 12 months")
    first = indicator.history.earliest("history_date")
    indicator.title = "Re-referrals within 12 months of a previous referral"
    indicator.save()  # the performance team's correction of the definition
    client.force_login(alice)
    response = client.post(history_form_url(indicator, first), {"_save": "Save"})
    assert response.status_code == 403
    indicator.refresh_from_db()
    assert indicator.title == "Re-referrals within 12 months of a previous referral"
