"""The load test's tools: the large council it serves and the check that no saved figure
was lost (`make loadtest` runs them at full size)."""

import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from bench import loadtest_tools
from indicators.models import Indicator
from indicators.periods import parse_period
from meetings.models import IssueStatus, Meeting, MeetingStatus
from returns.workflow import Entry, save_entry


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


def test_large_council_gives_every_member_of_the_run_an_account(db, client, tmp_path):
    logins = loadtest_tools.accounts("default", members=120, officers=5)
    call_command(
        "load_large_council",
        *("--indicators", "3", "--periods", "1", "--risks", "0", "--plans", "0"),
        *("--meetings", "1", "--rendered-packs", "1"),
        *("--members", str(logins["members"]), "--officers", str(logins["officers"])),
        stdout=io.StringIO(),
    )
    signed_in = client.post(
        "/accounts/login/", {"username": "member120", "password": "load-test-password"}
    )
    assert signed_in.status_code == 302 and signed_in.url == "/"
    assert not get_user_model().objects.filter(username="member121").exists()
    assert get_user_model().objects.filter(username__startswith="officer").count() == 30

    # A capacity run signs members in to its largest step, whatever LOADTEST_MEMBERS says.
    sessions = tmp_path / "sessions.txt"
    out = io.StringIO()
    call_command("loadtest_sessions", str(sessions), "--members", "120", stdout=out)
    assert re.search(r"^bench loadtest_sign_in_cpu_ms: \d+$", out.getvalue(), re.MULTILINE)
    lines = sessions.read_text().splitlines()
    assert len(lines) == 120 and lines[-1].startswith("member120 ")
    client.logout()
    client.cookies["sessionid"] = lines[-1].split()[1]
    scorecard = client.get("/scorecard/")
    assert scorecard.status_code == 200
    assert "Sign out Member 120</button>" in scorecard.text


def test_loadtest_sessions_names_the_missing_login(db, tmp_path):
    with pytest.raises(CommandError, match="no login member01"):
        call_command("loadtest_sessions", str(tmp_path / "s.txt"), "--members", "1")


def test_a_capacity_run_needs_logins_for_its_largest_step():
    assert loadtest_tools.accounts("capacity", members=50, officers=5, steps=(25, 400)) == {
        "members": 400,
        "officers": 30,
    }
    assert loadtest_tools.accounts("default", members=7, officers=40)["officers"] == 40
    with pytest.raises(ValueError, match="rising member counts"):
        loadtest_tools.steps_from("50,25")
    # As scripts/loadtest asks, for load_large_council.
    asked = subprocess.run(
        [sys.executable, "bench/loadtest_tools.py", "accounts"],
        env={**os.environ, "LOADTEST_MODE": "capacity", "LOADTEST_STEPS": "25,250"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert asked.stdout == "--members 250 --officers 30\n"


def _step(members, p95, errors=0):
    return loadtest_tools.Step(
        members=members,
        requests=members * 3,
        rps=members / 10,
        scorecard_requests=members // 2,
        scorecard_p95_ms=p95,
        errors=errors,
    )


def test_capacity_is_the_last_step_before_the_scorecard_p95_passes_a_second():
    results = [_step(25, 180), _step(50, 420), _step(100, 1000), _step(200, 1001)]
    assert not loadtest_tools.judge(results[:3], planned=5).done
    verdict = loadtest_tools.judge(results, planned=5)
    assert verdict.done and verdict.held == results[2]
    assert verdict.stopped_by == "scorecard p95 1001 ms > 1000 ms at 200 members"


def test_capacity_stops_at_the_first_error_however_fast():
    verdict = loadtest_tools.judge([_step(25, 180), _step(50, 200, errors=1)], planned=5)
    assert verdict.done and verdict.held.members == 25
    assert verdict.stopped_by == "1 errors at 50 members"


def test_capacity_when_no_step_holds_or_every_step_does():
    none_held = loadtest_tools.judge([_step(25, 2500)], planned=5)
    assert none_held.done and none_held.held is None
    every = loadtest_tools.judge([_step(25, 100), _step(50, 200)], planned=2)
    assert every.done and every.held.members == 50 and every.stopped_by == "every step held"


def _stat(pid, parent, utime, stime, cutime=0, cstime=0, name="postgres"):
    # /proc/<pid>/stat: pid (comm) state ppid ... utime stime cutime cstime (14th to 17th).
    fields = ["S", parent, *[0] * 9, utime, stime, cutime, cstime, 20, 0]
    return f"{pid} ({name}) " + " ".join(map(str, fields)) + "\n"


def test_server_cpu_counts_descendants_and_those_that_ended(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sysconf", lambda name: 100)  # ticks a second

    def proc(*stats):
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        for line in stats:
            (folder / line.split()[0]).mkdir()
            (folder / line.split()[0] / "stat").write_text(line)
        return folder

    # The postmaster (10) with a backend (11) whose name holds ") S 1", and a stranger (20).
    before = proc(
        _stat(10, 1, 50, 50),
        _stat(11, 10, 300, 100, name="postgres: a ) S 1 b"),
        _stat(12, 11, 5, 5),
        _stat(20, 1, 999, 999),
    )
    # The backend's connection closed: the postmaster reaped it, adding its time (and its
    # reaped child's) to its own cutime and cstime; a new backend has started.
    after = proc(_stat(10, 1, 51, 50, cutime=305, cstime=105), _stat(13, 10, 20, 0))
    then = loadtest_tools.process_cpu_seconds({"database": 10}, before)
    now = loadtest_tools.process_cpu_seconds({"database": 10}, after)
    assert then == {"database": 5.1} and now == {"database": 5.31}
    assert loadtest_tools.cores_busy(then["database"], now["database"], 2) == pytest.approx(0.105)
    assert loadtest_tools.cores_busy(5.31, 5.1, 2) == 0


def test_server_cpu_from_proc_keeps_a_child_that_has_ended():
    roots = {"this": os.getpid()}
    then = loadtest_tools.process_cpu_seconds(roots)
    burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)
    # /proc counts in ticks (10 ms), a little under the precise figure.
    assert loadtest_tools.process_cpu_seconds(roots)["this"] - then["this"] >= 0.25
