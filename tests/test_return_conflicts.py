"""Two people saving the same line, or publishing the same quarter, at once: one wins and
the other is told clearly, and nothing is lost."""

from decimal import Decimal

from django.test import Client

from indicators.models import Publication, Value
from indicators.periods import parse_period
from returns.workflow import Entry, save_entry

Q3 = parse_period("Q3 2017/18")
FORM = "/returns/2017-18/Q3/"
REVIEW = "/returns/2017-18/Q3/review/"


def _line(value: str, version: str = "") -> dict:
    return {
        "l0-status": "final",
        "l0-value": value,
        "l0-missing_reason": "",
        "l0-version": version,
        "save": "1",
    }


def test_a_second_save_on_a_line_both_opened_not_started_is_refused(
    client, make_indicator, alice, priya
):
    indicator = make_indicator(owner=alice, reference="A1")
    first, second = Client(), client
    first.force_login(priya)
    second.force_login(alice)
    # Both open the return while the line is not started: its form carries no version.
    assert 'name="l0-version"' in first.get(FORM).text
    assert 'name="l0-version"' in second.get(FORM).text
    assert first.post(FORM, _line("31")).status_code == 302
    response = second.post(FORM, _line("32"), follow=True)
    assert "someone else saved this figure" in response.text and "31.0%" in response.text
    assert "your change was not saved" in response.text
    saved = Value.objects.get(indicator=indicator)
    assert (saved.value, saved.version) == (Decimal("31"), 1)


def test_publishing_a_quarter_twice_records_one_publication(make_indicator, alice, priya):
    indicator = make_indicator(owner=alice, reference="A1")
    value = save_entry(
        indicator=indicator, period=Q3, entry=Entry(Decimal("34.8")), by=alice, submit=True
    )
    team = Client()
    team.force_login(priya)
    team.post(REVIEW, {"action": "sign_off", "line": [f"{indicator.pk}-{Q3.key}"]})
    # Two tabs on the review page, both showing the signed-off figure.
    first = team.post(REVIEW, {"action": "publish", "confirm": "yes"}, follow=True)
    second = team.post(REVIEW, {"action": "publish", "confirm": "yes"}, follow=True)
    assert "1 figures now public" in first.text
    assert "Q3 2017/18 has nothing signed off to publish" in second.text
    assert Publication.objects.count() == 1 and Publication.objects.get().figures == 1
    value.refresh_from_db()
    assert value.state == "published"
