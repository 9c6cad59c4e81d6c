"""The indicator page's table of figures, written in Python, is the markup django-tables2's
template made of the same rows: the same elements, attributes and text, in the same order
(whitespace between tags aside), for every demo indicator and for the awkward cells."""

from html.parser import HTMLParser

from django.template.loader import get_template

from indicators.models import Indicator
from indicators.periods import FinancialQuarter
from indicators.services import record_value, set_judgement
from tests.factories import rated_indicator


class _Tokens(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.tokens.append(("text", " ".join(data.split())))


def tokens(html: str) -> list[tuple]:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def page_tables(client, reference: str) -> list:
    response = client.get(f"/indicators/{reference}/")
    assert response.status_code == 200
    return [table for _, table in response.context["tables"]], response.text


def assert_as_django_tables2_made_it(client, reference: str) -> int:
    tables, text = page_tables(client, reference)
    for table in tables:
        markup = table.html
        assert markup in text
        before = get_template("indicators/_table.html").render({"table": table})
        assert tokens(markup) == tokens(before), reference
    return len(tables)


def test_every_demo_indicator_s_figures_are_the_markup_they_were(client, demo_council):
    shown = sum(
        assert_as_django_tables2_made_it(client, reference)
        for reference in Indicator.objects.order_by("reference").values_list("reference", flat=True)
    )
    assert shown > 10


def test_a_judgement_a_missing_figure_and_markup_in_a_reason(client, make_indicator, priya):
    indicator = rated_indicator(make_indicator)
    record_value(
        indicator=indicator,
        period=FinancialQuarter(2017, 4),
        value=None,
        missing_reason="Data <not> supplied & late",
    )
    figure = indicator.values.get(period=FinancialQuarter(2017, 2))
    set_judgement(value=figure, rag="amber", reason="Within <b>noise</b>", by=priya)
    assert assert_as_django_tables2_made_it(client, indicator.reference) == 1
    _, text = page_tables(client, indicator.reference)
    assert "Within &lt;b&gt;noise&lt;/b&gt;" in text
    assert "(judgement)" in text


def test_an_indicator_without_figures_has_no_table(client, make_indicator):
    indicator = make_indicator()
    tables, _ = page_tables(client, indicator.reference)
    assert tables == []


def test_a_figure_without_a_target_shows_a_dash_for_it(client, make_indicator):
    indicator = make_indicator()
    record_value(
        indicator=indicator,
        period=FinancialQuarter(2017, 1),
        value=None,
        missing_reason="Not collected",
    )
    assert assert_as_django_tables2_made_it(client, indicator.reference) == 1
    tables, _ = page_tables(client, indicator.reference)
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Figure">'
        'Not collected</td><td class="govuk-table__cell" data-label="Status">Final</td>'
        '<td class="govuk-table__cell" data-label="Target">-</td>'
    ) in tables[0].html
