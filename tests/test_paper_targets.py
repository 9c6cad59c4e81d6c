"""Targets and figures as councils' papers set and print them, through the indicator page,
the scorecard and its exports."""

from decimal import Decimal
from html.parser import HTMLParser

from indicators.periods import parse_period
from indicators.services import record_value


class _Rows(HTMLParser):
    """The text of each cell of each table row of a page."""

    def __init__(self):
        super().__init__()
        self.rows, self._row, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> dict[str, list[str]]:
    """Rows of the page's tables by their first cell."""
    parser = _Rows()
    parser.feed(html)
    return {row[0]: row for row in parser.rows if row}


def test_year_to_date_direction_compares_the_same_months_a_year_before(client, make_indicator):
    indicator = make_indicator(unit="count", decimal_places=0, aggregation="sum")
    for text, figure in (
        ("Apr - Oct 2021", 50),
        ("Apr - Sept 2022", 40),
        ("Apr - Oct 2022", 45),
    ):
        record_value(indicator=indicator, period=parse_period(text), value=Decimal(figure))
    rows = table_rows(client.get(f"/indicators/{indicator.reference}/").text)
    # 45 after Apr-Sep's 40 would be better; against Apr-Oct last year's 50 it is worse.
    assert "Worsening" in " ".join(rows["2022/23 year to date (Apr - Oct)"])
    assert "Improving" not in " ".join(rows["2022/23 year to date (Apr - Oct)"])
