"""Pages as they print: content only, ratings keep their colour and shape, no link
addresses spelt out, and the scorecard printed whole."""

import pytest

from tests.browser.conftest import ARTIFACTS


@pytest.mark.parametrize("path", ["/scorecard/", "/indicators/SW02/", "/meetings/"])
def test_a_page_prints_its_content_with_its_colours(demo_site, page, path):
    page.goto(f"{demo_site}{path}")
    page.emulate_media(media="print")
    for hidden in (".govuk-header", ".govuk-service-navigation", ".govuk-footer"):
        assert not page.locator(hidden).first.is_visible()
    assert page.locator("h1").is_visible()
    links = page.locator("main a.govuk-link")
    assert links.count()
    after = links.first.evaluate("a => getComputedStyle(a, '::after').content")
    assert after in ("none", "normal")
    tags = page.locator(".rag--amber, .rag--red, .rag--green")
    if tags.count():
        tag = tags.first.evaluate(
            "t => [getComputedStyle(t).backgroundColor, getComputedStyle(t).printColorAdjust]"
        )
        assert tag[0] not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)") and tag[1] == "exact"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").replace("/", "-") or "home"
    page.pdf(path=str(ARTIFACTS / f"print-{name}.pdf"), format="A4", landscape=True)


def test_the_printed_scorecard_is_not_cut_at_its_scroll_box(demo_site, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{demo_site}/scorecard/")
    page.emulate_media(media="print")
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("box => getComputedStyle(box).overflowX") == "visible"
