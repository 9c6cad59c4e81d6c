"""Writes that arrive together, for real: of two saves of one return line, two "Publish
quarter" clicks or three "Publish" clicks on an agenda, exactly one wins and the others are
told clearly; nobody gets an error page and nothing is written twice.

On SQLite the requests are served by gunicorn's separate worker processes from one database
file. A hook in each worker stops the request at its write transaction's BEGIN until every
request has arrived there, lets them all begin together, and holds the first to begin for a
moment once it has read: the window in which the others reach the database. On PostgreSQL the
requests run in threads of the test, against the test database.
"""

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from indicators.models import Publication, Value
from indicators.periods import parse_period
from indicators.roles import PERFORMANCE_TEAM
from returns import workflow
from tests.conftest import _user
from tests.test_faults import PASSWORD, PYTHON, ROOT, Browser, _answers, _free_port, _wait_for

ON_SQLITE = "sqlite" in django_settings.DATABASES["default"]["ENGINE"]
CONFLICT = "someone else saved this figure while you were editing it"
NOTHING_TO_PUBLISH = "Q3 2017/18 has nothing signed off to publish"
ALREADY_PUBLISHING = "These papers are already being published"
FORM = "/returns/2017-18/Q3/"
REVIEW = "/returns/2017-18/Q3/review/"
Q3 = parse_period("Q3 2017/18")
# How long the first request to begin its transaction keeps it open after its first read.
HOLD = 0.5

sqlite_processes = pytest.mark.skipif(
    not ON_SQLITE,
    reason="Runs in the SQLite pass only: its gunicorn serves a SQLite file of its own, so "
    "the pass's database changes nothing.",
)
on_postgres = pytest.mark.skipif(
    ON_SQLITE,
    reason="SQLite's in-memory test database refuses a second writer instead of making it "
    "wait; the SQLite tests here run gunicorn on a file instead. Run with scripts/with-postgres",
)

# The data every SQLite test starts from, written once and copied for each test.
SETUP = """
import json
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from indicators.models import Section, Service
from indicators.periods import parse_period
from indicators.roles import CLERK, OFFICER, PERFORMANCE_TEAM, ensure_role_groups
from indicators.services import save_indicator
from returns.workflow import Entry, save_entry, sign_off
from tests.factories import agenda

call_command("migrate", interactive=False, verbosity=0)
call_command(
    "collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin", "django_tables2"]
)
ensure_role_groups()
users = {}
for name, role in [("alice", OFFICER), ("bob", OFFICER), ("olivia", OFFICER), ("oscar", OFFICER),
                   ("priya", PERFORMANCE_TEAM), ("pat", PERFORMANCE_TEAM), ("clara", CLERK)]:
    users[name] = get_user_model().objects.create_user(name, password=%r, is_staff=True)
    users[name].groups.add(Group.objects.get(name=role))
section = Section.objects.create(name="Start Well", order=1)
service = Service.objects.create(name="Children's Social Care")

def indicator(reference, owner):
    return save_indicator(
        reference=reference, title=f"Indicator {reference}", unit="percentage",
        decimal_places=1, polarity="high", frequency="quarterly", section=section,
        service=service, owner=users[owner],
    )

q3 = parse_period("Q3 2017/18")
# Not started: Alice owns it and Bob is her delegate.
indicator("N1", "alice").delegates.add(users["bob"])
# Started: Olivia has saved a draft of 40.0%%.
save_entry(indicator=indicator("S1", "olivia"), period=q3, entry=Entry(Decimal("40")),
           by=users["olivia"])
# Signed off, ready for the performance team to publish the quarter.
ready = save_entry(indicator=indicator("P1", "oscar"), period=q3, entry=Entry(Decimal("34.8")),
                   by=users["oscar"], submit=True)
sign_off(values=[ready], by=users["priya"])
print(json.dumps({"meeting": agenda().pk}))
"""

# A gunicorn configuration: each worker stops the first transaction of a request to RACE_PATH
# at its BEGIN until the test's coordinator has every racer there, and reports to it once the
# transaction has begun and read (the coordinator holds the first of them a moment).
HOOKS = """
import os
import socket
import time

from django.core.signals import request_finished, request_started
from django.db.backends.signals import connection_created

COORDINATOR = ("127.0.0.1", int(os.environ["RACE_COORDINATOR"]))
state = {"armed": False}


def ask(message):
    with socket.create_connection(COORDINATOR, timeout=60) as channel:
        channel.sendall(message.encode() + b"\\n")
        return channel.makefile().readline().strip()


def race(execute, sql, params, many, context):
    if not state["armed"]:
        return execute(sql, params, many, context)
    if sql.startswith("BEGIN") and "began" not in state:
        ask("arrived")
        started = time.monotonic()
        result = execute(sql, params, many, context)
        state["began"] = time.monotonic() - started
        return result
    result = execute(sql, params, many, context)
    # Held after a read (not after a SAVEPOINT, which reads nothing), as a deferred
    # transaction would then hold SQLite's read lock.
    if "began" in state and sql.startswith("SELECT"):
        state["armed"] = False
        ask(f"began {os.getpid()} {state['began']:.3f}")
    return result


def arm(sender, environ, **kwargs):
    state.clear()
    state["armed"] = (environ["REQUEST_METHOD"], environ["PATH_INFO"]) == (
        "POST", os.environ["RACE_PATH"]
    )


def disarm(sender, **kwargs):
    state["armed"] = False


def wrap(connection, **kwargs):
    # A worker's connection object is reopened for each request: wrap it once.
    if race not in connection.execute_wrappers:
        connection.execute_wrappers.append(race)


def post_worker_init(worker):
    connection_created.connect(wrap, weak=False)
    request_started.connect(arm, weak=False)
    request_finished.connect(disarm, weak=False)
"""


class Coordinator:
    """Where the workers' hooks meet: every racer arrives at BEGIN before any goes on."""

    def __init__(self, racers: int):
        self.arrivals = threading.Barrier(racers, timeout=10)
        self.began: list[float] = []  # how long each BEGIN waited for the write lock
        self.missing = False  # a racer never reached its BEGIN
        self.lock = threading.Lock()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                channel, _ = self.server.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._answer, args=(channel,), daemon=True).start()

    def _answer(self, channel: socket.socket) -> None:
        with channel:
            message = channel.makefile().readline().split()
            if message[0] == "arrived":
                try:
                    self.arrivals.wait()
                except threading.BrokenBarrierError:
                    self.missing = True  # let the request go on; the test reports it
            else:
                with self.lock:
                    first = not self.began
                    self.began.append(float(message[2]))
                if first:
                    time.sleep(HOLD)
            channel.sendall(b"go\n")

    def close(self) -> None:
        self.server.close()


@dataclass
class Site:
    """gunicorn with three workers serving one SQLite file, with the racing hook."""

    base: str
    database: Path
    meeting: int
    log: Path
    coordinator: Coordinator

    def browser(self, username: str) -> Browser:
        browser = Browser(self.base)
        browser.sign_in(username)
        return browser

    def query(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()

    def web_log(self) -> str:
        return self.log.read_text()


def _environment(tmp: Path, database: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "DATABASE_URL",
            "DJANGO_SETTINGS_MODULE",
            "TASKS_DB",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SQLITE_PATH=str(database),
        MEDIA_ROOT=str(tmp / "media"),
        STATIC_ROOT=str(tmp / "static"),
        SECURE_COOKIES="false",
        LOG_FORMAT="text",
    )
    return env


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A migrated SQLite file with the tests' people and figures, and collected static files."""
    tmp = tmp_path_factory.mktemp("concurrent")
    database = tmp / "template.sqlite3"
    setup = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SETUP % PASSWORD],
        cwd=ROOT,
        env=_environment(tmp, database),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    meeting = json.loads(setup.stdout.strip().splitlines()[-1])["meeting"]
    return tmp, database, meeting


@pytest.fixture
def site_for(template, tmp_path):
    """Start gunicorn on a fresh copy of the template, racing the POSTs to one path."""
    tmp, source, meeting = template
    started: list[tuple[subprocess.Popen, Coordinator]] = []

    def start(path: str, racers: int) -> Site:
        database = tmp_path / "db.sqlite3"
        shutil.copyfile(source, database)
        hooks = tmp_path / "race_hooks.py"
        hooks.write_text(HOOKS)
        coordinator = Coordinator(racers)
        port, log = _free_port(), tmp_path / "web.log"
        env = _environment(tmp, database)
        env.update(RACE_COORDINATOR=str(coordinator.port), RACE_PATH=path)
        gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent))
        with log.open("wb") as out:
            web = subprocess.Popen(
                [gunicorn, "scorecard.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3"]
                + ["--preload", "--no-control-socket", "--config", str(hooks)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started.append((web, coordinator))
        base = f"http://127.0.0.1:{port}"
        # Three workers importing the app take a while on a machine running other tests.
        _wait_for(
            "gunicorn",
            lambda: _answers(f"{base}/healthz") or web.poll() is not None,
            timeout=120,
        )
        assert web.poll() is None, log.read_text()
        return Site(base, database, meeting, log, coordinator)

    yield start
    for web, coordinator in started:
        web.terminate()
        try:
            web.wait(timeout=20)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait(timeout=20)
        coordinator.close()


def _together(*requests):
    """Send the requests at once, each from its own thread; their answers, in order."""
    with ThreadPoolExecutor(len(requests)) as pool:
        futures = [pool.submit(request) for request in requests]
        return [future.result(timeout=60) for future in futures]


def _version(page: str) -> str:
    """The version the form carries for its (only) line, as the browser would post it."""
    (tag,) = [t for t in page.split("<input") if 'name="l0-version"' in t]
    return tag.split('value="')[1].split('"')[0] if 'value="' in tag else ""


def _line(value: str, version: str) -> dict:
    return {
        "l0-status": "final",
        "l0-value": value,
        "l0-missing_reason": "",
        "l0-version": version,
        "save": "1",
    }


def _assert_one_began_while_another_wrote(site: Site, racers: int) -> None:
    # Every request began its transaction; all but the first waited for its write lock
    # (held open for HOLD seconds): they met at the database, and queued there.
    began = site.coordinator.began
    assert not site.coordinator.missing and len(began) == racers, began
    assert sum(1 for waited in began if waited > HOLD / 2) == racers - 1, began


def _assert_no_error_pages(site: Site) -> None:
    log = site.web_log()
    assert "database is locked" not in log and "Traceback" not in log, log


# Saving one return line twice at once ---------------------------------------------------


@sqlite_processes
def test_two_officers_saving_a_line_never_started_at_once_one_wins_one_is_told(site_for):
    site = site_for(FORM, racers=2)
    alice, bob = site.browser("alice"), site.browser("bob")
    pages = [browser.get(FORM) for browser in (alice, bob)]
    # Both open the return while the line is not started: neither form carries a version.
    assert [(status, _version(body.decode())) for status, _, body in pages] == [(200, "")] * 2

    answers = _together(
        lambda: alice.post(FORM, _line("31", "")), lambda: bob.post(FORM, _line("32", ""))
    )

    assert sorted(status for status, _, _ in answers) == [200, 302], site.web_log()
    (winner,) = [n for n, (status, _, _) in enumerate(answers) if status == 302]
    figure = ("31", "32")[winner]
    (refused,) = [body.decode() for status, _, body in answers if status == 200]
    assert CONFLICT in refused and f"It is now {figure}.0% (draft)" in refused
    assert "your change was not saved" in refused
    assert site.query(
        "SELECT v.value, v.version FROM indicators_value v "
        "JOIN indicators_indicator i ON i.id = v.indicator_id WHERE i.reference = 'N1'"
    ) == [(float(figure), 1)]
    _assert_one_began_while_another_wrote(site, racers=2)
    _assert_no_error_pages(site)


@sqlite_processes
def test_one_officer_saving_a_started_line_from_two_tabs_at_once_one_wins(site_for):
    site = site_for(FORM, racers=2)
    olivia = site.browser("olivia")
    first_tab, second_tab = olivia.get(FORM)[2].decode(), olivia.get(FORM)[2].decode()
    assert _version(first_tab) == _version(second_tab) == "1"
    assert 'value="40.0%"' in first_tab

    answers = _together(
        lambda: olivia.post(FORM, _line("41", "1")), lambda: olivia.post(FORM, _line("42", "1"))
    )

    assert sorted(status for status, _, _ in answers) == [200, 302], site.web_log()
    (winner,) = [n for n, (status, _, _) in enumerate(answers) if status == 302]
    figure = ("41", "42")[winner]
    (refused,) = [body.decode() for status, _, body in answers if status == 200]
    assert CONFLICT in refused and f"It is now {figure}.0% (draft)" in refused
    assert site.query(
        "SELECT v.value, v.version FROM indicators_value v "
        "JOIN indicators_indicator i ON i.id = v.indicator_id WHERE i.reference = 'S1'"
    ) == [(float(figure), 2)]
    # The history has the one save, after the draft it replaced.
    assert site.query(
        "SELECT h.value, h.version FROM indicators_historicalvalue h "
        "JOIN indicators_indicator i ON i.id = h.indicator_id WHERE i.reference = 'S1' "
        "ORDER BY h.history_id"
    ) == [(40.0, 1), (float(figure), 2)]
    _assert_one_began_while_another_wrote(site, racers=2)
    _assert_no_error_pages(site)


# Publishing a quarter twice at once -----------------------------------------------------


@sqlite_processes
def test_two_simultaneous_quarter_publications_record_one(site_for):
    site = site_for(REVIEW, racers=2)
    priya, pat = site.browser("priya"), site.browser("pat")

    answers = _together(
        lambda: priya.post(REVIEW, {"action": "publish", "confirm": "yes"}),
        lambda: pat.post(REVIEW, {"action": "publish", "confirm": "yes"}),
    )

    assert [status for status, _, _ in answers] == [302, 302], site.web_log()
    pages = [browser.get(REVIEW)[2].decode() for browser in (priya, pat)]
    published = [page for page in pages if "Q3 2017/18 published: 1 figures now public" in page]
    refused = [page for page in pages if NOTHING_TO_PUBLISH in page]
    assert (len(published), len(refused)) == (1, 1), pages
    assert site.query("SELECT figures FROM indicators_publication") == [(1,)]
    assert site.query(
        "SELECT i.reference, v.state, v.version FROM indicators_value v "
        "JOIN indicators_indicator i ON i.id = v.indicator_id ORDER BY i.reference"
    ) == [("P1", "published", 3), ("S1", "draft", 1)]
    _assert_one_began_while_another_wrote(site, racers=2)
    _assert_no_error_pages(site)


# Publishing an agenda three times at once -----------------------------------------------


@sqlite_processes
def test_three_simultaneous_publish_clicks_on_sqlite_queue_one_issue(site_for, template):
    meeting = template[2]
    url = f"/meetings/{meeting}/publish/"
    site = site_for(url, racers=3)
    clerks = [site.browser("clara") for _ in range(3)]

    answers = _together(*(lambda browser=browser: browser.post(url, {}) for browser in clerks))

    assert [status for status, _, _ in answers] == [302, 302, 302], site.web_log()
    pages = [browser.get(f"/meetings/{meeting}/")[2].decode() for browser in clerks]
    queued = [page for page in pages if "The pack is being rendered" in page]
    refused = [page for page in pages if ALREADY_PUBLISHING in page]
    assert (len(queued), len(refused)) == (1, 2), pages
    assert site.query("SELECT number, status FROM meetings_packissue") == [(1, "queued")]
    _assert_one_began_while_another_wrote(site, racers=3)
    _assert_no_error_pages(site)


# SQLite's write transactions begin immediate ---------------------------------------------

SERIALISED = """
import os
import threading

from django.conf import settings
from django.db import OperationalError, connection, transaction

if os.environ["TRANSACTION_MODE"] == "removed":
    del settings.DATABASES["default"]["OPTIONS"]["transaction_mode"]
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE figure (id INTEGER PRIMARY KEY, value INTEGER)")
    cursor.execute("INSERT INTO figure VALUES (1, 1)")
first_wrote, second_starting, second_done = (threading.Event() for _ in range(3))
seen = []


def first():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE figure SET value = value + 1")
        first_wrote.set()
        second_starting.wait(10)
        # The second either fails at once, or queues for the lock held here.
        second_done.wait(1)
    connection.close()


def second():
    first_wrote.wait(10)
    second_starting.set()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT value FROM figure")
            seen.append(cursor.fetchone()[0])
            cursor.execute("UPDATE figure SET value = value + 1")
    except OperationalError as error:
        seen.append(str(error))
    finally:
        second_done.set()
        connection.close()


threads = [threading.Thread(target=first), threading.Thread(target=second)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(30)
with connection.cursor() as cursor:
    cursor.execute("SELECT value FROM figure")
    print(seen, cursor.fetchone()[0])
"""


def _serialised(tmp_path: Path, mode: str) -> str:
    database = tmp_path / f"{mode}.sqlite3"
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SERIALISED],
        cwd=ROOT,
        env={**_environment(tmp_path, database), "TRANSACTION_MODE": mode},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


@sqlite_processes
def test_a_sqlite_write_transaction_waits_for_another_writer_instead_of_failing(tmp_path):
    # Two connections with the project's settings: one holds a write; the other's atomic
    # block reads then writes. It waits at its BEGIN for the first to commit, reads the
    # first's figure and adds to it.
    assert _serialised(tmp_path, "as set") == "[2] 3"
    # What it guards against: a transaction that began deferred reads, then cannot take
    # the write lock another holds, and fails mid-way.
    assert _serialised(tmp_path, "removed") == "[1, 'database is locked'] 2"


# On PostgreSQL, with threads ------------------------------------------------------------


def _threads_together(*calls):
    """Run the calls at once in threads, each with its own database connection."""
    barrier, results, errors = threading.Barrier(len(calls)), {}, []

    def run(n, call):
        try:
            barrier.wait(timeout=10)
            results[n] = call()
        except Exception as error:  # reported below: a thread's failure must fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    assert errors == []
    return [results[n] for n in range(len(calls))]


def _hold_first_until_another_waits(monkeypatch, target, name: str) -> None:
    """The first caller of target.name (inside its transaction, holding its locks) waits
    until another connection is queued behind a lock, so the two meet at the database."""
    real, calls = getattr(target, name), []

    def held(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            with connection.cursor() as cursor:
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                    if cursor.fetchone()[0]:
                        break
                    time.sleep(0.02)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, held)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_quarter_publications_record_one_on_postgres(
    make_indicator, alice, priya, monkeypatch
):
    pat = _user("pat", PERFORMANCE_TEAM, staff=True)
    indicator = make_indicator(owner=alice, reference="A1")
    value = workflow.save_entry(
        indicator=indicator, period=Q3, entry=workflow.Entry(Decimal("34.8")), by=alice, submit=True
    )
    workflow.sign_off(values=[value], by=priya)
    _hold_first_until_another_waits(monkeypatch, Publication.objects, "create")
    browsers = []
    for user in (priya, pat):
        browser = Client()
        browser.force_login(user)
        browsers.append(browser)

    pages = _threads_together(
        *(
            lambda b=b: b.post(REVIEW, {"action": "publish", "confirm": "yes"}, follow=True)
            for b in browsers
        )
    )

    assert [page.status_code for page in pages] == [200, 200]
    texts = [page.content.decode() for page in pages]
    assert sum("Q3 2017/18 published: 1 figures now public" in t for t in texts) == 1
    assert sum(NOTHING_TO_PUBLISH in t for t in texts) == 1
    assert Publication.objects.count() == 1 and Publication.objects.get().figures == 1
    value.refresh_from_db()
    assert (value.state, value.version) == ("published", 3)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_a_started_line_at_once_on_postgres_one_wins(
    make_indicator, alice, priya, monkeypatch
):
    indicator = make_indicator(owner=alice, reference="A1")
    workflow.save_entry(
        indicator=indicator, period=Q3, entry=workflow.Entry(Decimal("40")), by=alice
    )
    _hold_first_until_another_waits(monkeypatch, workflow, "plan_entry")
    browsers = []
    for user in (alice, priya):
        browser = Client()
        browser.force_login(user)
        browsers.append(browser)

    answers = _threads_together(
        lambda: browsers[0].post(FORM, _line("41", "1")),
        lambda: browsers[1].post(FORM, _line("42", "1")),
    )

    assert sorted(a.status_code for a in answers) == [200, 302]
    (winner,) = [n for n, a in enumerate(answers) if a.status_code == 302]
    figure = ("41", "42")[winner]
    (refused,) = [a.content.decode() for a in answers if a.status_code == 200]
    assert CONFLICT in refused and f"It is now {figure}.0% (draft)" in refused
    saved = Value.objects.get(indicator=indicator)
    assert (saved.value, saved.version) == (Decimal(figure), 2)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_a_line_never_started_at_once_on_postgres_one_wins(
    make_indicator, alice, priya, monkeypatch
):
    indicator = make_indicator(owner=alice, reference="A1")
    _hold_first_until_another_waits(monkeypatch, workflow, "plan_entry")
    browsers = []
    for user in (alice, priya):
        browser = Client(raise_request_exception=False)
        browser.force_login(user)
        browsers.append(browser)

    answers = _threads_together(
        lambda: browsers[0].post(FORM, _line("31", "")),
        lambda: browsers[1].post(FORM, _line("32", "")),
    )

    assert sorted(a.status_code for a in answers) == [200, 302]
    (winner,) = [n for n, a in enumerate(answers) if a.status_code == 302]
    figure = ("31", "32")[winner]
    (refused,) = [a.content.decode() for a in answers if a.status_code == 200]
    assert CONFLICT in refused and f"It is now {figure}.0% (draft)" in refused
    saved = Value.objects.get(indicator=indicator)
    assert (saved.value, saved.version) == (Decimal(figure), 1)
