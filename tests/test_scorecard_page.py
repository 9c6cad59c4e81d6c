"""The scorecard page a committee member reads before a meeting."""

import csv
import io
import re
from decimal import Decimal

import pytest

from indicators.models import Section
from indicators.periods import parse_period
from indicators.services import record_value
from tests.factories import bulk_scorecard, rated_indicator
from tests.tables import column, column_text


def test_home_redirects_to_the_scorecard(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/scorecard/"


def test_signing_in_takes_an_officer_to_their_return(client, make_indicator, alice, bob, priya):
    make_indicator(owner=alice)
    landed = {}
    for user in (alice, bob, priya):  # bob keeps no indicator; priya is the performance team
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": "correct-horse-battery"}
        )
        landed[user.username] = client.get(response["Location"])["Location"]
    assert landed == {"alice": "/returns/", "bob": "/scorecard/", "priya": "/scorecard/"}


def test_scorecard_shows_the_latest_quarter_with_rating_in_words(client, make_indicator):
    rated_indicator(make_indicator, title="Percentage of contacts that lead to a referral")
    text = client.get("/scorecard/").text
    assert "Corporate scorecard: Q3 2017/18" in text
    assert "Percentage of contacts that lead to a referral" in text
    assert "34.8%" in text and "29.6%" in text  # the chosen quarter and the one before
    # Below 40 with no tolerance: requires improvement, in words; improving on Q2.
    assert "Requires improvement" in text and "Improving" in text
    assert "Key for performance" in text


def test_summary_counts_each_rating_and_links_to_the_filtered_list(client, make_indicator):
    rated_indicator(make_indicator, figures=[("Q3 2017/18", "45")])  # green
    rated_indicator(make_indicator, figures=[("Q3 2017/18", "20")])  # red
    rated_indicator(make_indicator, figures=[("Q3 2017/18", "30")])  # red
    rated_indicator(make_indicator, figures=[("Q3 2017/18", "30")], target=None)  # not rated
    response = client.get("/scorecard/")
    summary = response.context["view"].summary
    assert summary.sentence() == (
        "1 of 4 indicators (25%) on track; 0 slightly below; 2 require improvement; 1 not rated"
    )
    assert 'href="?rag=red"' in response.text


def test_filter_to_requires_improvement(client, make_indicator):
    rated_indicator(make_indicator, title="Good one", figures=[("Q3 2017/18", "45")])
    rated_indicator(make_indicator, title="Bad one", figures=[("Q3 2017/18", "20")])
    text = client.get("/scorecard/", {"rag": "red"}).text
    assert "Bad one" in text and "Good one" not in text


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"q": "referral"}, "Referral rate", "Library visits"),
        ({"direction": "worsening"}, "Library visits", "Referral rate"),
    ],
)
def test_search_and_direction_filters(client, make_indicator, params, shown, hidden):
    rated_indicator(make_indicator, title="Referral rate")  # 29.6 -> 34.8: improving
    rated_indicator(
        make_indicator,
        title="Library visits",
        figures=[("Q2 2017/18", "50"), ("Q3 2017/18", "45")],
    )
    text = client.get("/scorecard/", params).text
    assert shown in text and hidden not in text


def test_section_service_and_owner_filters(client, make_indicator, alice):
    live_well = Section.objects.create(name="Live Well", order=2)
    rated_indicator(make_indicator, title="Children's measure", owner=alice)
    rated_indicator(make_indicator, title="Waste measure", section=live_well)
    text = client.get("/scorecard/", {"section": live_well.pk}).text
    assert "Waste measure" in text and "Children&#x27;s measure" not in text
    text = client.get("/scorecard/", {"owner": alice.pk}).text
    assert "Children&#x27;s measure" in text and "Waste measure" not in text


def test_sections_follow_the_councils_order(client, make_indicator):
    age_well = Section.objects.create(name="Age Well", order=3)
    live_well = Section.objects.create(name="Live Well", order=2)
    rated_indicator(make_indicator, section=age_well)
    rated_indicator(make_indicator, section=live_well)
    text = client.get("/scorecard/").text
    assert text.index(">Live Well<") < text.index(">Age Well<")


def test_sorting_by_rating_puts_requires_improvement_last(client, make_indicator):
    rated_indicator(make_indicator, title="Red measure", figures=[("Q3 2017/18", "20")])
    rated_indicator(make_indicator, title="Green measure", figures=[("Q3 2017/18", "45")])
    text = client.get("/scorecard/", {"sort": "rag"}).text
    assert text.index("Green measure") < text.index("Red measure")
    text = client.get("/scorecard/", {"sort": "-rag"}).text
    assert text.index("Red measure") < text.index("Green measure")


@pytest.mark.parametrize(
    "column",
    ["measure", "polarity", "current", "target", "direction", "history_0", "comparator_england"],
)
def test_every_column_sorts_without_error(client, make_indicator, column):
    bulk_scorecard(make_indicator, 3, periods=8)
    rated_indicator(make_indicator, target=None)
    assert client.get("/scorecard/", {"sort": column}).status_code == 200
    assert client.get("/scorecard/", {"sort": f"-{column}"}).status_code == 200


def test_year_and_period_choose_the_quarter(client, make_indicator):
    rated_indicator(make_indicator)
    text = client.get("/scorecard/", {"year": "2017/18", "period": "Q2"}).text
    assert "Corporate scorecard: Q2 2017/18" in text


def test_a_year_alone_chooses_its_latest_quarter_with_figures(client, make_indicator):
    rated_indicator(make_indicator)
    assert "scorecard: Q3 2017/18" in client.get("/scorecard/", {"year": "2017/18"}).text


def test_a_year_with_no_figures_says_so(client, make_indicator):
    rated_indicator(make_indicator)
    text = client.get("/scorecard/", {"year": "2030/31", "period": "Q1"}).text
    assert "There are no published figures for Q1 2030/31." in text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "2017/19"}, "must be consecutive"),
        ({"year": "banana"}, "not a period we recognise"),
        ({"period": "Q5"}, "There is no such quarter"),
        ({"rag": "purple"}, "There is no such rating"),
        ({"section": "999"}, "There is no such section"),
        ({"owner": "abc"}, "There is no such accountable officer"),
        ({"direction": "sideways"}, "There is no such direction of travel"),
    ],
)
def test_bad_filters_are_named_and_ignored(client, make_indicator, params, message):
    rated_indicator(make_indicator, title="Still shown")
    response = client.get("/scorecard/", params)
    assert response.status_code == 200
    assert "There is a problem with the filters" in response.text
    assert message in response.text
    assert "Still shown" in response.text


def test_search_text_with_html_and_sql_is_escaped_not_run(client, make_indicator):
    rated_indicator(make_indicator)
    attack = "<script>alert(1)</script>' OR 1=1 --"
    response = client.get("/scorecard/", {"q": attack})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text
    assert "No measures match these filters." in response.text


def test_a_figure_with_its_own_period_says_so(client, make_indicator):
    indicator = make_indicator(unit="count", decimal_places=0, polarity="low")
    record_value(indicator=indicator, period=parse_period("Dec 2017"), value=Decimal(3903))
    record_value(
        indicator=indicator,
        period=parse_period("Q3 2017/18"),
        value=None,
        missing_reason="Available in Q4",
    )
    text = client.get("/scorecard/", {"year": "2017/18", "period": "Q3"}).text
    assert "Available in Q4" in text


def test_an_empty_council_has_no_figures_yet(client, db):
    assert "There are no published figures yet." in client.get("/scorecard/").text


def test_query_count_is_the_same_for_30_and_300_indicators(
    client, make_indicator, django_assert_num_queries
):
    bulk_scorecard(make_indicator, 30)
    with django_assert_num_queries(SCORECARD_QUERIES):
        client.get("/scorecard/")
    bulk_scorecard(make_indicator, 270)
    with django_assert_num_queries(SCORECARD_QUERIES):
        response = client.get("/scorecard/")
    assert response.context["view"].summary.total == 300


# Whether the quarter's rows are stored (1; reporting.stored_rows: they are not, here, as
# the performance team sees a quarter before publication); indicators with their figures,
# targets, comparators and process changes (5); the latest
# quarter (1) and whether its publication is still under way (1); the sections (1); the
# filter form's choices, each counted and listed (6); the recovery plans covering them
# (1); the comparator groups (1; with groups, their members and the imported figures of
# every row, 2 more): a constant, however many indicators.
SCORECARD_QUERIES = 17


def test_spc_columns_say_what_is_getting_worse_for_real(client, make_indicator):
    from decimal import Decimal

    from indicators.periods import FinancialQuarter

    def series(title, values):
        indicator = make_indicator(title=title, polarity="high")
        for n, value in enumerate(values):
            quarter = FinancialQuarter(2014 + n // 4, n % 4 + 1)
            record_value(indicator=indicator, period=quarter, value=Decimal(value))

    steady = [50, 52, 49, 51, 50, 53, 48, 51, 50, 52, 51, 50, 52, 49, 51, 50]
    series("Steady measure", steady)
    series("Falling measure", steady[:12] + [45, 44, 43, 40])
    series("Short measure", [50])  # two figures would give trial limits
    response = client.get("/scorecard/", {"year": "2017/18", "period": "Q4"})
    text = response.text
    assert "Special cause concerning" in text and "Common cause variation" in text
    assert "Not enough data" in text
    worse = client.get(
        "/scorecard/", {"year": "2017/18", "period": "Q4", "variation": "concerning"}
    ).text
    assert "Falling measure" in worse, worse[worse.find("There is a problem") :][:300]
    assert "Steady measure" not in worse, worse[worse.find("Steady measure") - 300 :][:400]
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/scorecard/export.csv", {"year": "2017/18", "period": "Q4"}
                ).content.decode("utf-8-sig")
            )
        )
    )
    column = rows[0].index("Variation (SPC)")
    assert {r[2]: r[column] for r in rows[1:]}["Falling measure"] == "Special cause concerning"


def test_an_unknown_variation_filter_is_named(client, make_indicator):
    rated_indicator(make_indicator)
    text = client.get("/scorecard/", {"variation": "sideways"}).text
    assert "There is no such variation (spc)" in text


def test_every_rating_cell_shows_a_tag_not_its_markup(client, make_indicator):
    rated_indicator(make_indicator, figures=[("Q3 2017/18", "45")])  # on track
    rated_indicator(make_indicator, figures=[("Q3 2017/18", "30")], target=None)  # not rated
    page = client.get("/scorecard/").text
    cells, texts = column(page, "Rating"), column_text(page, "Rating")
    assert len(cells) == 2
    for cell, text in zip(cells, texts, strict=True):
        # Escaped markup reads to the user as "<strong class=...>"; a rendered tag does not.
        assert "<" not in text and "class=" not in text, text
        assert re.match(r'<strong class="[^"]*\bgovuk-tag\b', cell), cell
    assert sorted(texts) == ["Not rated", "● On track"]


def test_a_quarter_being_published_does_not_become_the_default(
    client, make_indicator, alice, priya
):
    """Publishing part of a quarter (one figure out of three) must not turn every member's
    default scorecard into one of "not rated" measures: the default stays on the latest
    complete quarter, and says where the newer one stands, with a link to it."""
    from returns.workflow import Entry, publish_quarter, save_entry, sign_off

    q4, q1 = parse_period("Q4 2017/18"), parse_period("Q1 2018/19")
    indicators = [
        make_indicator(owner=alice, reference=f"M{n}", title=f"Measure {n}") for n in (1, 2, 3)
    ]
    for indicator in indicators:
        record_value(indicator=indicator, period=q4, value=Decimal("40"))
    first = save_entry(
        indicator=indicators[0], period=q1, entry=Entry(Decimal("41")), by=alice, submit=True
    )
    sign_off(values=[first], by=priya)
    publish_quarter(quarter=q1, by=priya)
    page = client.get("/scorecard/")
    text = " ".join(page.text.split())
    assert "Corporate scorecard: Q4 2017/18" in text
    assert "Q1 2018/19 is still being published: 1 of 3 figures so far." in text
    assert 'href="?year=2018%2F19&amp;period=Q1"' in page.text
    # Asked for, the part-published quarter is shown as it stands.
    text = client.get("/scorecard/?year=2018/19&period=Q1").text
    assert "Corporate scorecard: Q1 2018/19" in text
    # The recovery plans still needed are those of the complete quarter too.
    client.force_login(alice)
    assert client.get("/recovery-plans/needed/").context["quarter"] == q4


def test_a_quarter_published_in_full_becomes_the_default(client, make_indicator, alice, priya):
    from returns.workflow import Entry, publish_quarter, save_entry, sign_off

    q4, q1 = parse_period("Q4 2017/18"), parse_period("Q1 2018/19")
    indicator = make_indicator(owner=alice, reference="M1")
    record_value(indicator=indicator, period=q4, value=Decimal("40"))
    value = save_entry(
        indicator=indicator, period=q1, entry=Entry(Decimal("41")), by=alice, submit=True
    )
    sign_off(values=[value], by=priya)
    publish_quarter(quarter=q1, by=priya)
    text = client.get("/scorecard/").text
    assert "Corporate scorecard: Q1 2018/19" in text and "still being published" not in text


def test_a_comparator_applies_until_a_newer_one_arrives_and_says_its_period(client, make_indicator):
    """An annual England average shows on every quarter's scorecard after its year, with
    its own period, not only beside the figure of its own period."""
    from indicators.services import record_comparator

    indicator = make_indicator(reference="SW02", title="Contacts to referral")
    for period, figure in (("2016/17", "30.1"), ("Q1 2017/18", "31.0"), ("Q2 2017/18", "32.0")):
        record_value(indicator=indicator, period=parse_period(period), value=Decimal(figure))
    record_comparator(
        indicator=indicator, period=parse_period("2016/17"), kind="england", value=Decimal("22.8")
    )
    cells = [
        c.strip()
        for c in client.get("/scorecard/?year=2017/18&period=Q2")
        .context["view"]
        .rows[0]
        .comparators.values()
    ]
    assert cells == ["22.8% (2016/17)"]
    record_comparator(
        indicator=indicator,
        period=parse_period("Q2 2017/18"),
        kind="england",
        value=Decimal("23.5"),
    )
    rows = client.get("/scorecard/?year=2017/18&period=Q2").context["view"].rows
    assert list(rows[0].comparators.values()) == ["23.5%"]  # its own period: none printed


def test_the_key_says_what_each_rating_means(client, make_indicator):
    """Not "Requires improvement: Requires improvement"."""
    rated_indicator(make_indicator)
    from tests.test_commentary_workflow import seen

    text = seen(client.get("/scorecard/").content.decode())
    key = text[text.index("Key for performance") :][:400]
    assert "Requires improvement Requires improvement" not in key
    assert "Requires improvement Misses its target by more than the tolerance allowed" in key
    assert "On track Meets its target" in key


def test_named_comparators_head_their_own_columns_with_a_published_rank(client, make_indicator):
    """A council elsewhere names its region and peer group; the CSV export heads a column
    with each name, England first, and prints the rank beside the figure."""
    from indicators.services import record_comparator

    indicator = make_indicator(reference="SW02", title="Contacts to referral")
    record_value(indicator=indicator, period=parse_period("Q2 2017/18"), value=Decimal("32.0"))
    for kind, name, value, rank in (
        ("peer_group", "County councils", "25.0", (110, 150)),
        ("region", "East Midlands average", "24.1", (None, None)),
        ("england", "", "22.8", (None, None)),
    ):
        record_comparator(
            indicator=indicator,
            period=parse_period("2016/17"),
            kind=kind,
            name=name,
            value=Decimal(value),
            rank=rank[0],
            rank_of=rank[1],
        )
    text = client.get("/scorecard/export.csv?year=2017/18&period=Q2").content.decode()
    header, line = list(csv.reader(io.StringIO(text)))[:2]
    names = ["England average", "East Midlands average", "County councils"]
    assert header[-3:] == names
    assert line[-3:] == ["22.8% (2016/17)", "24.1% (2016/17)", "25.0%; 110th of 150 (2016/17)"]
    page = client.get("/scorecard/?year=2017/18&period=Q2").text
    assert "25.0%; 110th of 150 (2016/17)" in page and ">East Midlands average<" in page
