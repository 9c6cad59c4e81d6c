"""Commentary in the admin is read-only: it is written on the return with its figure and
published with it, so no one can publish it from the admin without sign-off."""

from decimal import Decimal

from django.urls import reverse

from indicators.models import Commentary
from indicators.periods import parse_period
from indicators.services import record_value, write_commentary

ADD = reverse("admin:indicators_commentary_add")


def test_officer_cannot_change_commentary_on_another_officers_indicator(
    client, alice, bob, make_indicator
):
    indicator = make_indicator(owner=bob)
    # Published with its figure, so every officer reads it; only its owner changes it.
    record_value(indicator=indicator, period=parse_period("Q3 2017/18"), value=Decimal("34.8"))
    commentary = write_commentary(
        indicator=indicator, period=parse_period("Q3 2017/18"), issues="Referrals rose."
    )
    client.force_login(alice)
    url = reverse("admin:indicators_commentary_change", args=[commentary.pk])
    data = {"indicator": indicator.pk, "period": "Q3 2017/18", "issues": "Defaced."}
    response = client.post(url, data)
    assert response.status_code == 403
    commentary.refresh_from_db()
    assert commentary.issues == "Referrals rose."


def test_no_one_adds_commentary_through_the_admin(client, alice, bob, priya, make_indicator):
    theirs, mine = make_indicator(owner=bob), make_indicator(owner=alice)
    for user, indicator in ((alice, theirs), (alice, mine), (priya, mine)):
        client.force_login(user)
        assert client.get(ADD).status_code == 403
        data = {"indicator": indicator.pk, "period": "Q3 2017/18", "issues": "X"}
        assert client.post(ADD, data).status_code == 403
    assert not Commentary.objects.exists()


def test_an_owner_cannot_rewrite_published_commentary_in_the_admin(client, alice, make_indicator):
    """It would be public at once, skipping sign-off: the return makes it a new revision."""
    mine = make_indicator(owner=alice)
    record_value(indicator=mine, period=parse_period("Q3 2017/18"), value=Decimal("34.8"))
    commentary = write_commentary(
        indicator=mine, period=parse_period("Q3 2017/18"), issues="Referrals rose."
    )
    client.force_login(alice)
    url = reverse("admin:indicators_commentary_change", args=[commentary.pk])
    page = client.get(url)
    assert page.status_code == 200  # shown, read-only
    assert "Referrals rose." in page.text and 'name="issues"' not in page.text
    data = {"indicator": mine.pk, "period": "Q3 2017/18", "issues": "Rewritten."}
    assert client.post(url, data).status_code == 403
    commentary.refresh_from_db()
    assert commentary.issues == "Referrals rose."
