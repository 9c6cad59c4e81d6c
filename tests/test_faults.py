"""Faults: the database going away answers a 503 page and the app recovers when it returns;
a worker killed mid-publication serves nothing half-written and its render is retried once,
then failed visibly; an import or a publication interrupted mid-way saves nothing.

The first two are tested for real at the end: gunicorn and the task worker against a
PostgreSQL cluster of the test's own, stopped and started, and a worker SIGKILLed."""

import http.cookiejar
import io
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, ProgrammingError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from indicators.models import Commentary, Value
from indicators.periods import parse_period
from indicators.services import record_value, write_commentary
from meetings import services, tasks
from meetings.models import IssueStatus, Meeting, MeetingStatus, PackIssue
from operations.faults import WorkerLost, recover_abandoned_tasks
from operations.models import WorkerHeartbeat
from returns import workbook as imports
from returns.workbook import import_figures
from tests.factories import agenda

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
UNAVAILABLE = "Sorry, the service is unavailable"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


# The error pages ---------------------------------------------------------------------------


def _database_fails(monkeypatch, error: Exception) -> None:
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(CursorWrapper, "_execute_with_wrappers", fail)


@pytest.mark.django_db
def test_a_database_that_is_away_gets_a_503_page_that_needs_no_database(monkeypatch, caplog):
    _database_fails(monkeypatch, OperationalError("connection refused"))
    response = Client(raise_request_exception=False).get("/scorecard/")
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    # The whole page: had it asked the database, it would have fallen back to a bare one.
    assert f'<h1 class="govuk-heading-l">{UNAVAILABLE}</h1>' in page
    assert "cannot reach its database" in page and "/static/build/app.css" in page
    assert "Lancashire County Council" in page and "Sign in" not in page
    (logged,) = [r for r in caplog.records if r.name == "django.request"]
    assert logged.getMessage() == "Service Unavailable: /scorecard/"
    assert logged.exc_info[0] is OperationalError


@pytest.mark.django_db
def test_any_other_error_gets_the_plain_500_page(monkeypatch, caplog):
    _database_fails(monkeypatch, ProgrammingError('relation "indicators_value" does not exist'))
    response = Client(raise_request_exception=False).get("/scorecard/")
    page = response.content.decode()
    assert response.status_code == 500 and "Retry-After" not in response
    assert "Sorry, there is a problem with the service" in page and UNAVAILABLE not in page
    assert [r.getMessage() for r in caplog.records if r.name == "django.request"] == [
        "Internal Server Error: /scorecard/"
    ]


# Interrupted imports and publications -----------------------------------------------------


@pytest.fixture
def half_imported_return(client, make_indicator, alice):
    """A return whose import writes figures and then, at the commentary, is interrupted."""
    first = make_indicator(owner=alice, reference="SW01", unit="count", decimal_places=0)
    second = make_indicator(owner=alice, reference="SW02", title="Contacts to referral")
    quarter = parse_period("Q3 2017/18")
    record_value(indicator=second, period=quarter, value=Decimal("29.6"))
    record_value(indicator=first, period=quarter.previous(), value=Decimal("7887"))
    write_commentary(indicator=first, period=quarter.previous(), issues="Referrals fell.")
    client.force_login(alice)
    workbook = load_workbook(io.BytesIO(client.get("/returns/2017-18/Q3/workbook.xlsx").content))
    sheet = workbook["Start Well"]
    sheet["G2"], sheet["J2"] = "8,632", "A third came from the police."
    sheet["G3"], sheet["J3"] = "34.8%", "Thresholds were reviewed."
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _every_row() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Value, Value.history.model, Commentary, Commentary.history.model)
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "interruption", [KeyboardInterrupt(), OperationalError("server closed the connection")]
)
def test_an_import_interrupted_mid_way_leaves_every_figure_and_note_as_it_was(
    half_imported_return, alice, monkeypatch, interruption
):
    before = _every_row()
    real = imports.create_objects_with_history
    written = {}

    def interrupted(model, objs, *args, **kwargs):
        if model is Commentary:
            written["values"] = Value.objects.count()
            raise interruption
        return real(model, objs, *args, **kwargs)

    monkeypatch.setattr(imports, "create_objects_with_history", interrupted)
    with pytest.raises(type(interruption)):
        import_figures(half_imported_return, by=alice)
    # It was interrupted after figures were written: a new one, and a published one revised.
    assert written["values"] == len(before["Value"]) + 2
    assert _every_row() == before
    monkeypatch.undo()
    result = import_figures(half_imported_return, by=alice)
    assert (result.problems, result.created, result.changed) == ([], 2, 0)


def _interrupt_second_file(monkeypatch, interruption: BaseException) -> list[Path]:
    """Storage that writes a pack's first PDF and is interrupted at the second."""
    real, written = FileSystemStorage._save, []

    def save(storage, name, content):
        if written:
            assert written[0].stat().st_size > 1000  # the first PDF is on disk
            raise interruption
        name = real(storage, name, content)
        written.append(Path(storage.path(name)))
        return name

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    return written


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "interruption", [KeyboardInterrupt(), OperationalError("server closed the connection")]
)
def test_a_publication_interrupted_after_its_first_pdf_publishes_and_serves_nothing(
    client, clara, settings, tmp_path, monkeypatch, interruption
):
    settings.TASKS, settings.MEDIA_ROOT = DB_TASKS, tmp_path
    meeting = agenda()
    issue = services.request_publication(meeting, by=clara)
    written = _interrupt_second_file(monkeypatch, interruption)
    if isinstance(interruption, KeyboardInterrupt):
        # The worker is stopped: the issue stays rendering, for the next worker to retry.
        with pytest.raises(KeyboardInterrupt):
            tasks.run_issue(issue.pk)
    else:
        assert tasks.run_issue(issue.pk) == IssueStatus.FAILED
    assert len(written) == 1 and not written[0].exists()
    assert not list(tmp_path.rglob("*.pdf"))
    issue.refresh_from_db()
    assert issue.status != IssueStatus.READY and not issue.public_pack and not issue.full_pack
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.DRAFT
    client.force_login(clara)
    assert client.get(reverse("meetings:pack", args=[meeting.pk])).status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/issues/1/pack.pdf").status_code == 404
    # Run again, as a retried task is, it publishes whole.
    monkeypatch.undo()
    assert tasks.run_issue(issue.pk) == IssueStatus.READY
    issue.refresh_from_db()
    response = client.get(reverse("meetings:pack", args=[meeting.pk]))
    pack = b"".join(response.streaming_content)
    assert len(PdfReader(io.BytesIO(pack)).pages) == issue.public_pages
    assert pack == Path(issue.public_pack.path).read_bytes()


@pytest.mark.django_db
def test_a_render_run_twice_at_once_publishes_once(clara, settings, tmp_path, monkeypatch):
    settings.TASKS, settings.MEDIA_ROOT = DB_TASKS, tmp_path
    meeting = agenda()
    issue = services.request_publication(meeting, by=clara)
    real = tasks.render_pack
    runs = []

    def render_while_the_retry_runs(*args, **kwargs):
        # The first run's worker looked dead, so its task was retried; both go on.
        runs.append(len(runs))
        if len(runs) == 1:
            assert tasks.run_issue(issue.pk) == IssueStatus.READY
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "render_pack", render_while_the_retry_runs)
    assert tasks.run_issue(issue.pk) == IssueStatus.READY
    assert len(runs) == 2
    # The retry published; the first run, finishing after it, stored and changed nothing.
    issue.refresh_from_db()
    assert issue.status == IssueStatus.READY and issue.progress == 100
    assert sorted(p.name for p in tmp_path.rglob("*.pdf")) == sorted(
        Path(name).name
        for name in [issue.public_pack.name, issue.full_pack.name]
        + [paper.file.name for paper in issue.papers.all()]
    )
    assert issue.public_pack.name.endswith("-issue-1-public.pdf")


# A worker that dies ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_render_whose_worker_died_is_retried_once_then_failed_for_the_clerk_to_see(
    client, clara, settings, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    meeting = agenda()
    issue = services.request_publication(meeting, by=clara)
    task = DBTaskResult.objects.get(pk=issue.task_id)
    busy = services.request_publication(agenda(), by=clara)
    busy_task = DBTaskResult.objects.get(pk=busy.task_id)
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="busy", seen_at=now, started_at=now)
    WorkerHeartbeat.objects.create(
        worker_id="died", seen_at=now - timedelta(minutes=2), started_at=now
    )
    busy_task.claim("busy")
    client.force_login(clara)

    def rendering_when(worker_id: str) -> None:
        task.refresh_from_db()
        task.claim(worker_id)
        PackIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.RENDERING, stage="Busy")

    rendering_when("died")
    recover_abandoned_tasks()
    task.refresh_from_db()
    busy_task.refresh_from_db()
    assert (task.status, busy_task.status) == ("READY", "RUNNING")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Rendering agenda (issue 1)" in page and "could not be rendered" not in page

    rendering_when("died-again")
    recover_abandoned_tasks()
    task.refresh_from_db()
    assert task.status == "FAILED" and task.worker_ids == ["died", "died-again"]
    assert task.exception_class_path == "operations.faults.WorkerLost"
    assert WorkerLost.__name__ in task.traceback
    issue.refresh_from_db()
    assert issue.status == IssueStatus.FAILED and issue.error == tasks.RENDER_STOPPED
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Issue 1 could not be rendered" in page and "Nothing has been published." in page
    assert "The render stopped before it finished (its task worker stopped): publish" in page
    assert "Publish the agenda</button>" in page and "Rendering agenda" not in page
    again = services.request_publication(meeting, by=clara)
    assert again.number == 2 and again.status == IssueStatus.QUEUED
    busy_task.refresh_from_db()
    assert busy_task.status == "RUNNING"


# For real: gunicorn and the task worker on a PostgreSQL cluster of the test's own ------------

PG_PORTS = range(54348, 54351)  # clear of scripts/with-postgres's port and each other's
PASSWORD = "correct-horse-battery"
SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from indicators.roles import CLERK, ensure_role_groups
from tests.factories import agenda

call_command("migrate", interactive=False, verbosity=0)
# The pages these tests read need neither the admin's nor django-tables2's files.
call_command(
    "collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin", "django_tables2"]
)
ensure_role_groups()
clara = get_user_model().objects.create_user("clara", password=%r, is_staff=True)
clara.groups.add(Group.objects.get(name=CLERK))
print(json.dumps({"meeting": agenda().pk}))
"""


def _postgres_bin() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if found and (found[-1] / "pg_ctl").exists():
        return found[-1]
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL server, as scripts/with-postgres makes one."""

    def __init__(self, bindir: Path, port: int):
        self.bindir, self.port = bindir, port
        self.workdir = Path(tempfile.mkdtemp(prefix="scorecard-faults-pg."))
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:  # the server refuses to run as root
            os.chown(self.workdir, pwd.getpwnam("postgres").pw_uid, -1)
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgres://postgres@127.0.0.1:{port}/scorecard"

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run(
            [*self.as_postgres, str(self.bindir / program), *args],
            stdout=subprocess.DEVNULL,  # a started server would hold a captured pipe open
            stderr=subprocess.DEVNULL,
            timeout=60,
        )
        log = self.workdir / "server.log"
        assert result.returncode == 0, log.read_text() if log.exists() else program

    def create(self) -> None:
        self._run(
            "initdb",
            *("-D", str(self.workdir / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8"),
            "--locale=C.UTF-8",
        )
        self.start()
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "scorecard"
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        data, log = str(self.workdir / "data"), str(self.workdir / "server.log")
        self._run("pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.workdir / "data"), "-m", mode, "-w", "stop")

    def query(self, sql: str, *params) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as connection:
            return connection.execute(sql, params).fetchall()

    def remove(self) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bindir / "pg_ctl"), "-D", str(self.workdir / "data")]
            + ["-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )
        shutil.rmtree(self.workdir, ignore_errors=True)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Someone reading the site: cookies kept, redirects not followed."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def get(self, path: str) -> tuple[int, dict, bytes]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict) -> tuple[int, dict, bytes]:
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        body = urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body))

    def sign_in(self, username: str) -> None:
        assert self.get("/accounts/login/")[0] == 200
        status, headers, _ = self.post(
            "/accounts/login/", {"username": username, "password": PASSWORD}
        )
        assert status == 302, status

    def _open(self, request) -> tuple[int, dict, bytes]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except HTTPError as error:
            return error.code, dict(error.headers), error.read()


@dataclass
class Site:
    """gunicorn serving the production settings from a cluster of the test's own."""

    cluster: Cluster
    env: dict
    base: str
    media: Path
    meeting: int
    logs: Path
    workers: list = field(default_factory=list)

    def start_worker(self, worker_id: str, **extra_env) -> subprocess.Popen:
        with (self.logs / f"worker-{worker_id}.log").open("wb") as log:
            worker = subprocess.Popen(
                [PYTHON, "manage.py", "task_worker", "--no-startup-delay", "--interval", "0.5"]
                + ["--worker-id", worker_id],
                cwd=ROOT,
                env={**self.env, **extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.workers.append(worker)
        return worker

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()


def _wait_for(what: str, check, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"Timed out waiting for {what}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


own_cluster = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Runs in the SQLite pass only: it starts a PostgreSQL cluster of its own, so "
    "the pass's database changes nothing, and it takes a minute.",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    port = next((p for p in PG_PORTS if _port_free(p)), None)
    assert port is not None, f"No free port for the test's PostgreSQL among {list(PG_PORTS)}"
    cluster = Cluster(bindir, port)
    tmp = tmp_path_factory.mktemp("faults")
    processes: list[subprocess.Popen] = []
    try:
        cluster.create()
        env = {
            key: value
            for key, value in os.environ.items()
            if key
            not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "TASKS_DB", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        }
        env.update(
            SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=cluster.url,
            MEDIA_ROOT=str(tmp / "media"),
            STATIC_ROOT=str(tmp / "static"),
            # Plain HTTP here, with no proxy in front: the cookies must travel over it.
            SECURE_COOKIES="false",
            LOG_FORMAT="text",
        )
        setup = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", SETUP % PASSWORD],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert setup.returncode == 0, setup.stdout + setup.stderr
        meeting = int(re.search(r'"meeting": (\d+)', setup.stdout).group(1))
        web_port = _free_port()
        gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent))
        with (tmp / "web.log").open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [gunicorn, "scorecard.wsgi", "--bind", f"127.0.0.1:{web_port}"]
                    + ["--workers", "1"],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        base = f"http://127.0.0.1:{web_port}"
        _wait_for("gunicorn", lambda: _answers(f"{base}/healthz"), timeout=60)
        yield Site(cluster, env, base, tmp / "media", meeting, tmp, workers=processes)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=20)
        cluster.remove()


def site_ready(site: Site) -> bool:
    return Browser(site.base).get("/readyz")[0] == 200


def _stop(worker: subprocess.Popen) -> int:
    worker.terminate()
    return worker.wait(timeout=30)


@own_cluster
def test_with_the_database_stopped_pages_answer_503_and_recover_when_it_starts(site):
    worker = site.start_worker("steady")
    reader, clara = Browser(site.base), Browser(site.base)
    clara.sign_in("clara")
    pages = [(reader, "/scorecard/"), (clara, f"/meetings/{site.meeting}/")]
    for browser, path in pages:
        assert browser.get(path)[0] == 200, path
    _wait_for("a ready worker", lambda: site_ready(site))

    site.cluster.stop()
    for browser, path in pages:
        status, headers, body = browser.get(path)
        assert (status, headers.get("Retry-After")) == (503, "30"), path
        assert UNAVAILABLE in body.decode() and "/static/build/app." in body.decode()
    status, _, body = reader.get("/healthz")
    assert status == 503 and b'"database": "down"' in body
    # The worker finds it gone too (between its polls a short outage would pass unseen).
    log = "worker-steady"
    _wait_for("the worker to notice", lambda: "database is unavailable" in site.log(log), 30)

    site.cluster.start()
    # The same processes serve again: the stale connections are checked and replaced.
    for browser, path in pages:
        status, _, body = browser.get(path)
        assert status == 200, path
    assert "Clerk" in clara.get(f"/meetings/{site.meeting}/")[2].decode()
    assert reader.get("/healthz")[0] == 200
    # The worker waited for the database rather than exit, and is running again.
    _wait_for("the worker to resume", lambda: site.log(log).count("Starting worker") >= 2, 30)
    assert worker.poll() is None
    _wait_for("a ready worker", lambda: site_ready(site))
    assert _stop(worker) == 0, site.log("worker-steady")
    web_log = site.log("web")
    assert "Service Unavailable: /scorecard/" in web_log and "OperationalError" in web_log


@own_cluster
def test_a_worker_killed_mid_publication_serves_nothing_and_the_next_worker_publishes(site):
    clara = Browser(site.base)
    clara.sign_in("clara")
    meeting = f"/meetings/{site.meeting}/"
    assert "Publish the agenda</button>" in clara.get(meeting)[2].decode()
    assert clara.post(f"{meeting}publish/", {})[0] == 302
    killed = site.start_worker("killed", SCORECARD_TEST_RENDER_DELAY="600")
    packs = site.media / "packs"
    # The first PDF is written and the publication not yet committed: kill the worker.
    _wait_for("the first PDF", lambda: packs.exists() and list(packs.rglob("*.pdf")), 120)
    killed.kill()
    killed.wait(timeout=20)

    ((status, workers),) = site.cluster.query(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
    )
    assert (status, workers) == ("RUNNING", ["killed"])
    ((issue_status, public_pack),) = site.cluster.query(
        "SELECT status, public_pack FROM meetings_packissue"
    )
    assert (issue_status, public_pack) == ("rendering", "")
    (orphan,) = packs.rglob("*.pdf")
    for path in (f"{meeting}pack.pdf", f"{meeting}issues/1/pack.pdf"):
        assert clara.get(path)[0] == 404, path
    assert clara.get(f"/media/{orphan.relative_to(site.media)}")[0] == 404
    assert Browser(site.base).get(meeting)[0] == 404  # the agenda is not published
    assert "Rendering agenda (issue 1)" in clara.get(meeting)[2].decode()

    # A minute on, the killed worker's heartbeat is stale; the next worker takes its task.
    site.cluster.query(
        "UPDATE operations_workerheartbeat SET seen_at = seen_at - interval '5 minutes' "
        "WHERE worker_id = 'killed' RETURNING worker_id"
    )
    second = site.start_worker("second")

    def published():
        rows = site.cluster.query("SELECT status, public_pages FROM meetings_packissue")
        return rows[0] if rows[0][0] in ("ready", "failed") else None

    assert _wait_for("the retried render", published, 180)[0] == "ready"
    ((status, workers),) = site.cluster.query(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
    )
    assert (status, workers) == ("SUCCESSFUL", ["killed", "second"])
    status, headers, pack = clara.get(f"{meeting}pack.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    ((name, pages),) = site.cluster.query(
        "SELECT public_pack, public_pages FROM meetings_packissue"
    )
    assert pack == (site.media / name).read_bytes() and site.media / name != orphan
    assert len(PdfReader(io.BytesIO(pack)).pages) == pages
    page = clara.get(meeting)[2].decode()
    assert "could not be rendered" not in page and "Agenda pack, Part I</a> (PDF" in page
    assert "was left running by worker killed, which stopped: queued again" in site.log(
        "worker-second"
    )
    assert _stop(second) == 0
