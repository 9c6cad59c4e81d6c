"""The load test's tools: the large council it serves and the check that no saved figure
was lost (`make loadtest` runs them at full size)."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Indicator
from indicators.periods import parse_period
from indicators.workflow import Entry, save_entry
from meetings.models import IssueStatus, Meeting, MeetingStatus


def test_large_council_has_published_packs_and_officers_with_their_own_indicators(db, client):
    out = io.StringIO()
    call_command(
        "load_large_council",
        *("--indicators", "12", "--periods", "4", "--risks", "3", "--plans", "2"),
        *("--meetings", "2", "--rendered-packs", "1", "--members", "2", "--officers", "3"),
        stdout=out,
    )
    assert "12 indicators x 4 quarters" in out.getvalue()
    owners = {i.reference: i.owner.username for i in Indicator.objects.all()}
    assert len(owners) == 12
    assert {owners["L001"], owners["L004"], owners["L007"], owners["L010"]} == {"officer01"}
    assert sorted(set(owners.values())) == ["officer01", "officer02", "officer03"]
    signed_in = client.post(
        "/accounts/login/", {"username": "member02", "password": "load-test-password"}
    )
    assert signed_in.status_code == 302 and signed_in.url == "/"
    for meeting in Meeting.objects.all():
        assert meeting.status == MeetingStatus.PUBLISHED
        assert meeting.issues.get().status == IssueStatus.READY
        response = client.get(f"/meetings/{meeting.pk}/pack.pdf")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_large_council_refuses_a_database_with_data(make_indicator):
    make_indicator()
    with pytest.raises(CommandError, match="empty database"):
        call_command("load_large_council", stdout=io.StringIO())


def _saves(tmp_path, *saves):
    folder = tmp_path / "saved"
    folder.mkdir(exist_ok=True)
    lines = [
        json.dumps({"indicator": ref, "period": "Q1 2018/19", "value": value, "confirmed": ok})
        for ref, value, ok in saves
    ]
    (folder / "officer01.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def saved_twice(make_indicator, alice):
    indicator = make_indicator(owner=alice)
    for figure in ("10.5", "20.5"):
        save_entry(
            indicator=indicator,
            period=parse_period("Q1 2018/19"),
            entry=Entry(value=Decimal(figure)),
            by=alice,
        )
    return indicator


def test_check_saved_figures_passes_when_every_save_is_there(tmp_path, saved_twice):
    ref = saved_twice.reference
    sent_and_confirmed = [(ref, "10.5", False), (ref, "10.5", True)]
    sent_and_confirmed += [(ref, "20.5", False), (ref, "20.5", True)]
    # The end of the run cut the last one off before it was sent.
    folder = _saves(tmp_path, *sent_and_confirmed, (ref, "30.5", False))
    out = io.StringIO()
    call_command("check_saved_figures", str(folder), stdout=out)
    assert "bench loadtest_saved_figures: 2" in out.getvalue()
    assert "bench loadtest_lost_writes: 0" in out.getvalue()


def test_check_saved_figures_reports_a_confirmed_save_that_is_not_there(tmp_path, saved_twice):
    ref = saved_twice.reference
    folder = _saves(tmp_path, (ref, "10.5", True), (ref, "20.5", True), (ref, "30.5", True))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 saved figures are not in the database"):
        call_command("check_saved_figures", str(folder), stdout=out, stderr=err)
    assert "bench loadtest_lost_writes: 2" in out.getvalue()
    assert f"{ref} Q1 2018/19: saved 30.5, now 20.500000" in err.getvalue()
