"""The demo meetings match the committee papers: the 27 June 2018 agenda pack of seed 001 with
its generated appendices, the 18 April 2018 minutes inside it, and the 14 June 2013
supplementary agenda of seed 000 with its recovery plans."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from demo.council import load_demo
from meetings.models import IssueStatus, Meeting, MeetingStatus
from tests.pdfs import ARTIFACTS, keep_with_first_page

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "fixtures" / "seeds"
SEED_001 = (SEEDS / "001_q4_2017_18.txt").read_text(encoding="utf-8")
SEED_000 = (SEEDS / "000_year_end_2012_13.txt").read_text(encoding="utf-8")


@pytest.fixture
def demo(demo_council_with_meetings):
    return {m.local_start.date().isoformat(): m for m in Meeting.objects.all()}


def _texts(field) -> list[str]:
    with field.open("rb") as handle:
        return [page.extract_text() for page in PdfReader(BytesIO(handle.read())).pages]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _seed_agenda() -> list[tuple[int, str, str | None]]:
    """Seed 001's front sheet: (number, title, "Pages 1 - 8" or None)."""
    front = SEED_001[SEED_001.index("No. Item") : SEED_001.index("L Sales")]
    items = []
    for match in re.finditer(r"^(\d+)\. (.+?)(?: \((Pages \d+ - \d+)\))?$", front, re.M):
        items.append((int(match.group(1)), match.group(2), match.group(3)))
    return items


def test_every_demo_pack_is_published(demo):
    assert demo["2018-04-18"].status == MeetingStatus.HELD
    assert demo["2018-06-27"].status == MeetingStatus.PUBLISHED
    assert demo["2013-06-14"].status == MeetingStatus.PUBLISHED
    for meeting in demo.values():
        for issue in meeting.issues.all():
            assert issue.status == IssueStatus.READY, (issue, issue.error)
    assert [i.kind for i in demo["2013-06-14"].issues.order_by("number")] == [
        "agenda",
        "supplement",
    ]
    # Each plan in the published papers is recorded as presented, linked to the meeting,
    # once: the plans' own records of the same meetings are linked rather than repeated.
    from recovery_plans.models import Presentation

    linked = Presentation.objects.filter(meeting__isnull=False)
    assert sorted((p.meeting.local_start.date().isoformat()) for p in linked) == [
        "2013-06-14"
    ] * 5 + ["2018-06-27"]
    assert not Presentation.objects.filter(meeting__isnull=True).exists()


def test_the_june_2018_pack_has_the_seed_agenda_with_real_page_ranges(demo):
    meeting = demo["2018-06-27"]
    issue = meeting.issues.get()
    texts = _texts(issue.public_pack)
    offset = next(n for n, text in enumerate(texts) if "Agenda Item" in text)
    front = _squash(" ".join(texts[:offset]))
    seed = _seed_agenda()
    assert [n for n, _, _ in seed] == list(range(1, 9))
    assert [(i.number, i.title) for i in meeting.items.all()] == [(n, t) for n, t, _ in seed]
    assert "Wednesday, 27 June 2018 at 2.00 pm in Committee Room 'B' (The Diamond Jubilee" in front
    for number, title, printed in seed:
        pages = issue.public_ranges.get(str(number))
        assert (pages is not None) == (printed is not None), title
        if pages is None:
            assert _squash(title) in front
            continue
        first, last = pages
        shown = f"({'Page ' + str(first) if first == last else f'Pages {first} - {last}'})"
        assert f"{number}. {_squash(title)} {shown}" in front
        assert f"Agenda Item {number}" in texts[offset + first - 1]
        assert f"Page {first}" in texts[offset + first - 1]
        assert f"Agenda Item {number}" in texts[offset + last - 1]

    # Each report carries what the meeting papers print, from the demo data.
    def pages_of(number: int) -> str:
        first, last = issue.public_ranges[str(number)]
        return _squash(" ".join(texts[offset + first - 1 : offset + last]))

    minutes = pages_of(3)
    assert "Minutes of the Meeting held on Wednesday, 18 April 2018 at 2.00 pm" in minutes
    assert "County Councillor Geoff Driver CBE (Chair)" in minutes
    assert (
        "That the Cabinet Committee note the report and that a further report will be "
        "presented in 6 months time." in minutes
    )
    register = pages_of(4)
    for reference in [f"CR{n}" for n in range(1, 12)] + ["CO1", "CO2", "CO3"]:
        assert reference in register
    assert "Appendix 'A': Corporate Risk & Opportunity Register Q1 2018/19" in register
    performance = pages_of(5)
    assert "Appendix 'B': Performance Summary Quarter 4 2017/18" in performance
    for printed in ("31,873", "33,353", "83.8%", "88.1%", "82.0%", "1,761"):
        assert printed in performance
    assert "Retention of staff in children's social care has improved" in performance
    plan = pages_of(6)
    assert "Appendix 'A': Lancashire Key Stage 4 Recovery Plan" in plan
    assert "Schools Requiring Improvement" in plan
    keep_with_first_page(_pdf(issue.public_pack), "demo-agenda-pack")
    table_page = next(n for n, text in enumerate(texts, 1) if "Performance Measure" in text)
    _keep_page(issue.public_pack, table_page, "demo-agenda-table")


def _pdf(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _keep_page(field, number: int, name: str) -> None:
    """One page of a pack as PNG, for people to look at."""
    import subprocess

    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(_pdf(field))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l", str(number), "-singlefile"]
        + [str(pdf), str(ARTIFACTS / name)],
        check=True,
        timeout=60,
    )
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000


def test_the_june_2013_supplementary_agenda_matches_seed_000(demo):
    meeting = demo["2013-06-14"]
    supplement = meeting.issues.get(kind="supplement")
    texts = _texts(supplement.public_supplement)
    front = _squash(texts[0])
    intro = _squash(SEED_000[SEED_000.index("We are now able") : SEED_000.index("Part 1")])
    assert "Supplementary Agenda" in front
    assert intro in front
    first, last = supplement.supplement_ranges["5"]
    assert first == 1
    assert (
        "5. Quarterly Corporate Performance Monitoring and Improvement - year end - Corporate "
        f"Scorecard Report & Recovery Plans (Pages 1 - {last})" in front
    )
    assert "Apologies for Absence" not in front
    body = _squash(" ".join(texts[1:]))
    assert "64% of indicators in the 2012/13 scorecard have met their year-end targets" in body
    for title in (
        "Reduce the proportion of pupils on free school meals in Year 1",
        "Improve the proportion of children in care placed with adopters",
        "Three performance indicators, all collected annually from the Adult Social Care",
    ):
        assert title in body
    # The re-issued pack carries the agenda's items and the supplementary one.
    reissued = _squash(" ".join(_texts(supplement.public_pack)))
    assert "1. Apologies for Absence" in reissued and "Agenda Item 5" in reissued


def test_the_demo_loads_with_the_task_worker_that_make_run_starts(db, settings, tmp_path):
    """`make run` queues the demo's packs for the task worker rather than rendering them
    at once: the supplement of June 2013 is queued after its agenda, which must not trip
    the rule of one issue in progress per meeting."""
    from meetings.models import PackIssue

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    june_2013 = Meeting.objects.get(starts_at__year=2013)
    assert [i.kind for i in PackIssue.objects.filter(meeting=june_2013).order_by("number")] == [
        "agenda",
        "supplement",
    ]
