"""Commentary in the admin: officers write it only on the indicators they keep."""

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


def test_officer_cannot_add_commentary_to_another_officers_indicator(
    client, alice, bob, make_indicator
):
    theirs, mine = make_indicator(owner=bob), make_indicator(owner=alice)
    client.force_login(alice)
    form = client.get(ADD)
    assert form.status_code == 200
    assert f'value="{mine.pk}"' in form.text and f'value="{theirs.pk}"' not in form.text
    response = client.post(ADD, {"indicator": theirs.pk, "period": "Q3 2017/18", "issues": "X"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Commentary.objects.exists()


def test_officer_still_writes_commentary_on_their_own_indicator(client, alice, make_indicator):
    mine = make_indicator(owner=alice)
    client.force_login(alice)
    response = client.post(ADD, {"indicator": mine.pk, "period": "Q3 2017/18", "issues": "Up."})
    assert response.status_code == 302
    assert Commentary.objects.get(indicator=mine).issues == "Up."
