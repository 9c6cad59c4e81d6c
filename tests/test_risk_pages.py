"""The register's pages and its PDF report, as a committee member reads them."""

import io
import re

import pytest
from pypdf import PdfReader

from risks.demo import load_register
from tests.pdfs import keep_with_first_page
from tests.test_risk_register import REPORT_SCORES


@pytest.fixture
def member(client, martin):
    load_register()
    client.force_login(martin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/risks/",
        "/risks/heatmap/",
        "/risks/report/",
        "/risks/report.pdf",
        "/risks/CR2/",
        "/risks/reviews/2018-19-Q1/",
    ],
)
def test_the_register_is_for_signed_in_users(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_register_lists_every_open_entry_with_scores_and_band(member):
    text = member.get("/risks/").text
    for reference in REPORT_SCORES:
        assert f">{reference}</a>" in text
    assert '16 <span class="app-score__band">High</span>' in text


def test_register_filters_and_sorts(member):
    text = member.get("/risks/", {"kind": "opportunity"}).text
    assert ">CO2</a>" in text and ">CR2</a>" not in text
    text = member.get("/risks/", {"band": "Very high"}).text
    assert ">CR9</a>" in text and ">CR2</a>" not in text
    text = member.get("/risks/", {"sort": "-residual"}).text
    assert text.index(">CR9</a>") < text.index(">CR5</a>")


def test_heat_map_puts_each_entry_in_its_cell_with_score_and_band(member):
    response = member.get("/risks/heatmap/")

    def placed(rows):
        return {
            line.reference: (cell.impact, cell.likelihood)
            for _, row in rows
            for cell in row
            for line in cell.lines
        }

    risks, opportunities = (placed(response.context[k]) for k in ("risk_rows", "opportunity_rows"))
    assert risks["CR9"] == (5, 4) and risks["CR5"] == (4, 3)
    # Opportunities have a grid of their own.
    assert {r[:2] for r in risks} == {"CR"} and {r[:2] for r in opportunities} == {"CO"}
    assert len(risks) + len(opportunities) == 14
    assert "20 · Very high" in response.text
    inherent = member.get("/risks/heatmap/", {"view": "inherent"}).context["risk_rows"]
    assert "CR2" in [line.reference for line in inherent[0][1][4].lines]  # 25: top right


def test_band_colours_come_from_a_stylesheet_not_inline_styles(member, client):
    page = member.get("/risks/heatmap/").text
    register = member.get("/risks/").text
    assert "style=" not in page and "style=" not in register
    assert 'class="app-heatmap__cell app-band--very-high"' in page
    assert '<span class="app-score app-band--very-high">20 <span' in register
    # The stylesheet is public (the sign-in page links it too), cached and revalidated.
    client.logout()
    css = client.get("/risks/bands.css")
    assert css.status_code == 200 and "max-age=300" in css["Cache-Control"]
    assert client.get("/risks/bands.css", HTTP_IF_NONE_MATCH=css["ETag"]).status_code == 304
    # The PDF is not a browser page: it carries the same rules in its own stylesheet.
    from django.template.loader import render_to_string

    from reporting.risks import report_context

    printed = render_to_string("risks/report_print.html", report_context())
    assert ".app-band--very-high{background-color:#d4351c;color:#ffffff}" in printed
    assert "style=" not in printed


def test_entry_page_shows_full_text_and_score_history(member):
    text = member.get("/risks/CO2/").text
    assert "Apprenticeship Levy" in text and "Possible benefits" in text
    assert text.index("Q4 2017/18") < text.index("Q1 2018/19")


def test_review_page_says_what_changed(member):
    text = member.get("/risks/reviews/2018-19-Q1/").text
    assert "residual score from 12 to 15" in text and "added (residual score 16)" in text


@pytest.mark.parametrize(
    "url", ["/risks/CR99/", "/risks/reviews/2030-31-Q1/", "/risks/reviews/nonsense/"]
)
def test_unknown_entries_and_reviews_are_not_found(member, url):
    assert member.get(url).status_code == 404


def test_pdf_report_has_every_reference_and_score(member):
    response = member.get("/risks/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    for reference, (inherent, residual) in REPORT_SCORES.items():
        row = re.search(rf"\b{reference}\b", flat)
        assert row, reference
        assert re.search(rf"\b{residual} \((Low|Medium|High|Very high)\)", flat), reference
        assert str(inherent) in flat
    assert "Key to scores" in flat and "Page 1 of" in flat
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # landscape
    assert keep_with_first_page(response.content, "risk-register").exists()


def test_pdf_register_starts_under_its_heading_and_repeats_its_header_row(member):
    """An entry taller than the rest of a page is split, not pushed on whole, which used to
    leave the heading alone on a blank page and the register's first page without a head."""
    reader = PdfReader(io.BytesIO(member.get("/risks/report.pdf").content))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    head = "Mitigating / maximising actions Residual score Owner Direction of travel"
    first = next(n for n, text in enumerate(pages) if "Appendix A:" in text)
    last = next(n for n, text in enumerate(pages) if "Key to scores" in text)
    assert head in pages[first] and "CR1" in pages[first].split("Appendix A:")[1]
    assert [n for n in range(first, last) if head not in pages[n]] == []


def test_cover_summary_lists_entries_at_or_above_the_threshold(member):
    response = member.get("/risks/report/")
    cover = [line.reference for line, _ in response.context["cover"]]
    assert "CR9" in cover and "CR5" in cover  # 20 and 12
    assert all(line.residual >= 12 for line, _ in response.context["cover"])
    assert "Residual score changed from 12 to 15." in response.text


def test_officers_change_only_the_entries_they_own_in_the_admin(client, alice, bob, priya):
    from django.urls import reverse

    from risks.models import Entry
    from risks.services import save_entry

    mine = save_entry(
        Entry(
            reference="CR50",
            title="Mine",
            inherent_impact=3,
            inherent_likelihood=3,
            residual_impact=2,
            residual_likelihood=3,
            owner_title="Director",
            owner=alice,
        )
    )
    url = reverse("admin:risks_entry_change", args=[mine.pk])
    client.force_login(bob)
    assert client.post(url, {}).status_code == 403
    client.force_login(alice)
    assert client.get(url).status_code == 200
    client.force_login(priya)
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:risks_review_add")).status_code == 403


def test_register_and_heatmap_queries_do_not_grow_with_entries(
    client, martin, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import bulk_register

    client.force_login(martin)
    bulk_register(5)
    for number, url in enumerate(("/risks/", "/risks/heatmap/", "/risks/report/"), start=1):
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        bulk_register(40, start=100 * number)
        with django_assert_max_num_queries(len(few)):
            assert client.get(url).status_code == 200


def test_performance_team_starts_and_closes_reviews_members_cannot(client, priya, martin):
    load_register()
    client.force_login(martin)
    assert (
        client.post("/risks/reviews/", {"action": "open", "quarter": "Q2 2018/19"}).status_code
        == 403
    )
    assert "Start a review" not in client.get("/risks/reviews/").text
    client.force_login(priya)
    text = client.post(
        "/risks/reviews/", {"action": "open", "quarter": "Q5 2018/19"}, follow=True
    ).text
    assert "a quarter must be Q1 to Q4" in text
    text = client.post(
        "/risks/reviews/", {"action": "open", "quarter": "Q2 2018/19"}, follow=True
    ).text
    assert "Review Q2 2018/19 started." in text
    text = client.post(
        "/risks/reviews/", {"action": "open", "quarter": "Q3 2018/19"}, follow=True
    ).text
    assert "Review Q2 2018/19 is still open" in text
    from risks.models import Review

    review = Review.objects.get(status="open")
    text = client.post(
        "/risks/reviews/", {"action": "close", "review": review.pk}, follow=True
    ).text
    assert "Review Q2 2018/19 closed: entries frozen." in text
    assert review.entries.count() == 14


def test_a_council_sets_its_own_key_to_scores(member):
    from django.core.exceptions import ValidationError

    from risks.models import RiskMatrix

    matrix = RiskMatrix(
        impact_names=["Negligible", "Low", "Medium", "High", "Severe"],
        likelihood_names=["Remote", "Unlikely", "Possible", "Probable", "Almost certain"],
        bands=[
            {"name": "Tolerable", "low": 1, "high": 14, "colour": "#cce2d8"},
            {
                "name": "Intolerable",
                "low": 15,
                "high": 25,
                "colour": "#d4351c",
                "text_colour": "#ffffff",
            },
        ],
        threshold=15,
    )
    matrix.full_clean()
    matrix.save()
    text = member.get("/risks/heatmap/").text
    assert "Almost certain" in text and "Severe" in text and "20 · Intolerable" in text
    assert 'class="app-heatmap__cell app-band--intolerable"' in text
    css = member.get("/risks/bands.css")
    assert css["Content-Type"] == "text/css"
    assert ".app-band--intolerable{background-color:#d4351c;color:#ffffff}" in css.text
    cover = member.get("/risks/report/").context["cover"]
    assert {line.reference for line, _ in cover} == {
        "CR9",
        "CO2",
        "CR1",
        "CR2",
        "CR3",
        "CR4",
        "CR8",
        "CR11",
        "CO1",
        "CO3",
    } - {ref for ref, (_, residual) in REPORT_SCORES.items() if residual < 15}
    broken = RiskMatrix(
        impact_names=matrix.impact_names,
        likelihood_names=matrix.likelihood_names,
        bands=[{"name": "A", "low": 1, "high": 10, "colour": "#fff"}],
        threshold=12,
    )
    with pytest.raises(ValidationError, match="without a band"):
        broken.full_clean()
