"""The page that explains the scorecard's words, linked from every page's footer and from
the key wherever ratings are shown."""

from tests.factories import rated_indicator
from tests.test_spc_page import words


def test_the_words_are_explained_in_plain_english(client, db):
    page = words(client.get("/help/").text)
    for term, meaning in (
        ("Common cause variation", "moves as the figures usually do"),
        ("Hit and miss", "some periods will meet it and some will not"),
        ("Trial limits", "fewer than 12 figures"),
        ("Good is high or low", '"H" means a higher figure is better'),
        ("Slightly below", "by no more than the tolerance"),
    ):
        assert term in page and meaning in page


def test_the_scorecard_key_and_the_footer_link_to_it(client, make_indicator):
    rated_indicator(make_indicator)
    text = client.get("/scorecard/").text
    assert text.count('href="/help/"') == 2
    assert "What ratings, direction of travel and the SPC columns" in words(text)
