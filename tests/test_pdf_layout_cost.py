"""What a PDF's markup makes WeasyPrint lay out beyond what it draws: no anchor on every row
of a printed plan (an id gives an element styles of its own, so no row shares its styles),
and no boxes for the whitespace between a table's rows and cells. What is printed stays."""

import io
import re

import pytest
from pypdf import PdfReader

from recovery_plans.models import RecoveryPlan
from scorecard.pdf import tagged_pdf, without_table_indentation
from tests.factories import bulk_plans

pytestmark = pytest.mark.django_db


def test_a_printed_plan_names_its_sections_but_not_each_action(client, make_indicator, priya):
    client.force_login(priya)
    bulk_plans(1, 12, indicators=[make_indicator(owner=priya)], owner=priya)
    plan = RecoveryPlan.objects.get()

    reader = PdfReader(io.BytesIO(client.get(f"/recovery-plans/{plan.pk}/plan.pdf").content))

    assert sorted(reader.named_destinations) == [
        "plan-actions",
        "plan-history",
        "plan-indicators",
        "plan-why",
    ]
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert all(f"Action {n} " in text or text.endswith(f"Action {n}") for n in range(1, 13))
    # The web page keeps the anchors that the due list, calendar entries and updates link to.
    assert 'id="action-12"' in client.get(plan.get_absolute_url()).text


def test_whitespace_between_a_tables_tags_goes_and_whitespace_in_a_cell_stays():
    html = (
        "<table>\n  <thead><tr>\n    <th>A</th>\n    <th>B</th>\n  </tr></thead>\n"
        "  <tbody>\n    <tr>\n      <td>one <strong>two</strong></td>\n"
        '      <td class="pre">\n  indented\nlines\n</td>\n    </tr>\n  </tbody>\n</table>'
    )

    squeezed = without_table_indentation(html)

    assert squeezed == (
        "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr>"
        '<td>one <strong>two</strong></td><td class="pre">\n  indented\nlines\n</td>'
        "</tr></tbody></table>"
    )


def test_a_cells_own_line_breaks_and_spaces_are_printed_as_before():
    cell = "First line\n    second line, indented"
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Cells</title>'
        "<style>td { white-space: pre-wrap }</style></head><body>\n<table>\n  <tbody>\n"
        f"    <tr>\n      <td>{cell}</td>\n      <td> <strong>bold</strong> after</td>\n"
        "    </tr>\n  </tbody>\n</table></body></html>"
    )

    text = PdfReader(io.BytesIO(tagged_pdf(html))).pages[0].extract_text()

    lines = [line.rstrip() for line in text.splitlines()]
    assert "First line" in lines[0]
    assert any(re.fullmatch(r"\s*second line, indented.*", line) for line in lines)
    assert "bold after" in text
