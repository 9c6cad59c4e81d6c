"""The demo council's recovery plans match the committee papers, and the plan PDF carries
every action, lead and date of a seed plan."""

import re
from io import BytesIO
from pathlib import Path

import pytest

from recovery_plans.models import RecoveryPlan
from tests.pdfs import keep_with_first_page

ROOT = Path(__file__).resolve().parents[1]
SEED_000 = (ROOT / "fixtures" / "seeds" / "000_year_end_2012_13.txt").read_text(encoding="utf-8")


@pytest.fixture
def demo(demo_council):
    pass


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _adoption_rows() -> list[tuple[str, str, str]]:
    """The adoption plan's action table, read straight from the seed text."""
    start = SEED_000.index("The functions and resources in the adoption service")
    end = SEED_000.index("Corporate Scorecard - Performance Indicator Recovery Plan", start)
    rows = []
    for line in SEED_000[start:end].strip().splitlines():
        action, leads, completion = line.split("\t")
        rows.append((action.replace("1 st", "1st"), leads, completion))
    return rows


def test_the_demo_has_the_plans_of_both_committee_papers(demo):
    plans = {p.title[:40]: p for p in RecoveryPlan.objects.prefetch_related("actions")}
    counts = sorted((p.actions.count(), len(p.indicators.all())) for p in plans.values())
    # Seed 000: five plans for seven indicators (one for the three survey indicators);
    # seed 001: the Key Stage 4 plan.
    assert counts == [(1, 1), (9, 1), (10, 1), (10, 1), (15, 3), (31, 1)]
    adoption = RecoveryPlan.objects.get(indicators__reference="CS13-04")
    printed = _adoption_rows()
    assert len(printed) == 10
    for action, (text, leads, completion) in zip(adoption.actions.all(), printed, strict=True):
        assert _squash(action.text) == _squash(text)
        in_order = action.leads.order_by("actionlead__position")
        assert [lead.name for lead in in_order] == [name.strip() for name in leads.split("/")]
        assert action.completion == completion
    survey = RecoveryPlan.objects.get(indicators__reference="CS13-05")
    table = survey.comparative_table
    assert len(table["rows"]) == 26
    assert table["rows"][-3] == ["North West Average", "18.9", "75.5%", "73.0%"]


def test_the_plan_pdf_holds_every_action_lead_and_date_of_the_seed_plan(client, demo):
    from pypdf import PdfReader

    signed_in = client.post(
        "/accounts/login/", {"username": "member", "password": "scorecard-demo"}
    )
    assert signed_in.status_code == 302
    adoption = RecoveryPlan.objects.get(indicators__reference="CS13-04")
    response = client.get(f"/recovery-plans/{adoption.pk}/plan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = _squash(" ".join(page.extract_text() for page in reader.pages))
    for action, leads, completion in _adoption_rows():
        # Long texts wrap across cells: compare their first words and their last.
        words = _squash(action).split(" ")
        assert " ".join(words[:8]) in text
        assert " ".join(words[-4:]) in text
        for lead in leads.split("/"):
            assert lead.strip() in text
        assert completion in text
    # The performance comes from the live figures: 75% in 2011/12, 76.2% in 2012/13, 83%.
    assert "75.0%" in text and "76.2%" in text and "83.0" in text
    assert reader.metadata.title.startswith("Recovery plan: Improve the proportion")
    assert keep_with_first_page(response.content, "recovery-plan").exists()
