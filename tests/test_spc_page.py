"""The indicator page's SPC chart as members read it: trial limits named in words, the
moving-range screening named, missing figures left as gaps, and the settings that change
the method."""

import json
from decimal import Decimal
from html.parser import HTMLParser

from indicators.periods import FinancialQuarter
from indicators.services import record_value


def quarterly(make_indicator, figures, **fields):
    """An indicator with a figure (or a missing one, None) for each quarter from Q1 2014/15."""
    indicator = make_indicator(polarity="high", **fields)
    for n, figure in enumerate(figures):
        record_value(
            indicator=indicator,
            period=FinancialQuarter(2014 + n // 4, n % 4 + 1),
            value=None if figure is None else Decimal(figure),
            missing_reason="Not collected" if figure is None else "",
        )
    return indicator


def spc_figure(text: str) -> dict:
    marker = '<script id="spc-data" type="application/json">'
    start = text.index(marker) + len(marker)
    return json.loads(text[start : text.index("</script>", start)])


class _Words(HTMLParser):
    """The page's text as a reader meets it, without tags or scripts."""

    def __init__(self):
        super().__init__()
        self.words, self._skip = [], False

    def handle_starttag(self, tag, attrs):
        self._skip = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.words.append(data)


def words(text: str) -> str:
    parser = _Words()
    parser.feed(text)
    return " ".join(" ".join(parser.words).split())


def test_a_short_series_shows_trial_limits_named_in_words(client, make_indicator):
    indicator = quarterly(make_indicator, [50, 53, 49, 52, 51])
    text = client.get(f"/indicators/{indicator.reference}/").text
    page = words(text)
    assert "Trial limits. There are fewer than 12 figures" in page
    assert "Trial limits: drawn from 5 figures, fewer than 12" in page
    assert "Common cause variation" in page and "Not enough data" not in page
    names = [trace["name"] for trace in spc_figure(text)["data"]]
    assert names[:3] == [
        "Mean (trial)",
        "Upper process limit (trial)",
        "Lower process limit (trial)",
    ]
    assert "Trial limits" in [a["text"] for a in spc_figure(text)["layout"]["annotations"]]


def test_twelve_figures_are_no_longer_trial(client, make_indicator):
    indicator = quarterly(make_indicator, [50, 53, 49, 52, 51, 50, 52, 49, 51, 50, 53, 51])
    text = client.get(f"/indicators/{indicator.reference}/").text
    assert "Trial limits" not in words(text)
    assert spc_figure(text)["data"][1]["name"] == "Upper process limit"


def test_the_caption_names_the_moving_range_screening(client, make_indicator, settings):
    wild = [50, 52, 50, 52, 50, 90, 50, 52, 50, 52, 50, 52, 50]
    indicator = quarterly(make_indicator, wild)
    page = words(client.get(f"/indicators/{indicator.reference}/").text)
    assert (
        "Limits leave out moving ranges above 3.267 × the mean moving range (2 left out), "
        "as NHS England's Making Data Count method does." in page
    )
    upper = spc_figure(client.get(f"/indicators/{indicator.reference}/").text)["data"][1]["y"]
    settings.SPC_SCREEN_MOVING_RANGES = False
    text = client.get(f"/indicators/{indicator.reference}/").text
    assert "Limits use every moving range, as the Making Data Count Excel tool does." in (
        words(text)
    )
    assert spc_figure(text)["data"][1]["y"][0] > upper[0]  # every range: wider limits


def test_a_missing_figure_is_a_gap_in_the_chart(client, make_indicator):
    indicator = quarterly(make_indicator, [50, 53, 49, None, 52, 51, 50])
    text = client.get(f"/indicators/{indicator.reference}/").text
    figures = spc_figure(text)["data"][3]
    assert figures["y"][3] is None and len(figures["y"]) == 7
    assert "Q4 2014/15: no figure" in figures["text"][3]
    assert (
        "1 period without a figure (Q4 2014/15) leave a gap: the moving ranges either side "
        "are not used." in words(text)
    )


def test_a_quarter_never_recorded_is_a_gap_too(client, make_indicator):
    indicator = make_indicator(polarity="high")
    for quarter, figure in ((1, 50), (2, 53), (4, 49)):
        record_value(indicator=indicator, period=FinancialQuarter(2014, quarter), value=figure)
    text = client.get(f"/indicators/{indicator.reference}/").text
    assert spc_figure(text)["data"][3]["y"] == [50.0, 53.0, None, 49.0]


def test_the_minimum_number_of_figures_is_a_setting(client, make_indicator, settings):
    indicator = quarterly(make_indicator, [50, 53, 49, 52])
    settings.SPC_MINIMUM_POINTS = 6
    text = words(client.get(f"/indicators/{indicator.reference}/").text)
    assert "Not enough data for SPC: 4 figures, at least 6 needed." in text


def test_the_scorecard_judges_a_short_series_on_its_trial_limits(client, make_indicator):
    # Seven falling quarters, high good: special cause concerning even on trial limits.
    quarterly(make_indicator, [60, 58, 57, 55, 54, 52, 50], title="Falling short measure")
    quarterly(make_indicator, [50], title="Single figure measure")
    response = client.get(
        "/scorecard/", {"year": "2015/16", "period": "Q3", "variation": "concerning"}
    )
    text = words(response.text)
    assert "Falling short measure" in text and "Single figure measure" not in text
