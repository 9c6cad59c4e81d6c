"""The load test's users, for locust (`make loadtest`, scripts/loadtest).

Committee members sign in and browse: the scorecard, indicator pages, the risk register,
the recovery plans, meetings and their agenda packs. Officers sign in and save figures on
the quarter's return through its form, each on indicators no one else owns, so a refused
save is a real error; each records every save it makes, and whether the app confirmed it, in
LOADTEST_SAVED_DIR/<username>.jsonl, which `manage.py check_saved_figures` compares with the
database afterwards. Any redirect where a page was expected (to the sign-in page, say) is a
failure.

Signing in costs a password hash each (half a second of CPU, `bench loadtest_sign_in_cpu_ms`),
so the run is measured in two parts: the sign-in of every user, then LOADTEST_SECONDS of
browsing and saving from when the last has signed in; both are printed as `bench
loadtest_...` lines when the run stops.

LOADTEST_MODE=capacity measures how many members the service can take instead: the members
start signed in (LOADTEST_SESSIONS, from `manage.py loadtest_sessions`), and their number
rises in steps (LOADTEST_STEPS) with the officers on top. Each step lets the new members
settle, then measures LOADTEST_STEP_SECONDS; the first step with an error or a scorecard p95
over a second ends the run (loadtest_tools.judge), and the largest that held is printed.
"""

import itertools
import json
import os
import random
import re
import time
from decimal import Decimal
from html.parser import HTMLParser
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlencode

import gevent
import gevent.lock
import loadtest_tools as tools
from locust import FastHttpUser, LoadTestShape, between, events, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "load-test-password")
SAVED_DIR = Path(os.environ.get("LOADTEST_SAVED_DIR", "loadtest-saved"))
# The quarter after the large council's last: nothing has been entered for it yet.
RETURN_URL = "/returns/{}/".format(os.environ.get("LOADTEST_RETURN", "2018-19/Q1"))
OFFICERS = int(os.environ.get("LOADTEST_OFFICERS", "5"))
# Measured from when every user has signed in (sign-in is measured on its own).
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "60"))
MODE = os.environ.get("LOADTEST_MODE", "default")
STEPS = tools.steps_from(os.environ.get("LOADTEST_STEPS", ",".join(map(str, tools.STEPS))))
STEP_SECONDS = float(os.environ.get("LOADTEST_STEP_SECONDS", "30"))
# A step's new members start within ten seconds of each other, not all at once; a step is
# measured from at least SETTLE_SECONDS after it began and once all of them have started.
SETTLE_SECONDS, STAGGER_SECONDS = 15, 10
SPAWN_RATE = 50
SESSIONS = Path(os.environ.get("LOADTEST_SESSIONS", "loadtest-sessions.txt"))
# Processes on this machine whose CPU time, with their children's, gives the cost of a
# page: "web=<gunicorn's master>,database=<postgres's>"; locust's own is measured too.
MEASURED = {
    name: int(pid)
    for name, _, pid in (
        part.partition("=") for part in os.environ.get("LOADTEST_MEASURE_CPU", "").split(",")
    )
    if pid.isdigit()
}
MEASURED["locust"] = os.getpid()

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INDICATOR_LINK = re.compile(r'href="(/indicators/[^"/]+/)"')
MEETING_LINK = re.compile(r'href="/meetings/(\d+)/"')
# The first problem the return form reports: a field's error, or a refused save.
PROBLEM = re.compile(r'error-summary__body">(?:<ul[^>]*>)?<(?:li><a[^>]*|p[^>]*)>([^<]+)<')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

_members = itertools.count(1)
_officers = itertools.count(1)
_run = {}
_links: dict[str, list[str]] = {}
_discovering = gevent.lock.Semaphore()


def _location(response) -> str:
    return (response.headers or {}).get("Location", "")


def _why(response) -> str:
    """The status and where it pointed, or the connection's error when there was none."""
    if not response.status_code:
        return f"no answer ({response.error})"
    return f"{response.status_code} {_location(response)}".strip()


class Visitor(FastHttpUser):
    """Someone with an account, in a browser that keeps its cookies."""

    abstract = True

    def page(self, url: str, name: str, *, expect: str = "") -> str:
        """GET a page that must answer 200 (no redirect) and contain `expect`."""
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(_why(response))
                return ""
            text = response.text or ""
            if expect and expect not in text:
                response.failure(f"{expect!r} is not on the page")
            return text

    def sign_in(self, username: str) -> None:
        """Through the sign-in form, as a person would: its CSRF token, then the POST."""
        form = self.page("/accounts/login/", "login_form", expect="csrfmiddlewaretoken")
        token = match.group(1) if (match := CSRF.search(form)) else ""
        data = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        with self.client.post(
            "/accounts/login/",
            data=urlencode(data),
            headers=FORM,
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "login" in _location(response):
                response.failure(f"{username} could not sign in: {_why(response)}")


class Member(Visitor):
    """A committee member reading before a meeting: a page, then 5 to 15 seconds on it."""

    wait_time = between(5, 15)

    def on_start(self):
        self.username = f"member{next(_members):02d}"
        if MODE == "capacity":
            self.signed_in_already()
        else:
            self.sign_in(self.username)
        with _discovering:
            # The first member reads the links off the scorecard and the meetings list for
            # all: fifty scorecards at once would only lengthen the sign-in.
            if "indicators" not in _links:
                scorecard = self.page("/scorecard/", "scorecard", expect="</table>")
                _links["indicators"] = sorted(set(INDICATOR_LINK.findall(scorecard)))
                meetings = self.page("/meetings/", "meetings")
                _links["meetings"] = sorted(set(MEETING_LINK.findall(meetings)))
        self.indicators = _links["indicators"] or ["/indicators/L001/"]
        self.meetings = _links["meetings"] or ["1"]
        _ready(self.environment)

    def signed_in_already(self):
        """The session `manage.py loadtest_sessions` made, as the browser's cookie; then a
        pause, so that a step's members do not all ask for their first page at once."""
        if "sessions" not in _run:
            lines = SESSIONS.read_text(encoding="utf-8").split()
            _run["sessions"] = dict(zip(lines[::2], lines[1::2], strict=True))
        host = self.host.partition("://")[2].partition(":")[0]
        self.client.cookiejar.set_cookie(
            Cookie(
                0, "sessionid", _run["sessions"][self.username], None, False, host, False,
                False, "/", True, False, None, False, None, None, {},
            )
        )  # fmt: skip
        gevent.sleep(random.uniform(0, STAGGER_SECONDS))

    @task(3)
    def scorecard(self):
        self.page("/scorecard/", "scorecard", expect="</table>")

    @task(6)
    def indicator(self):
        self.page(random.choice(self.indicators), "indicator", expect="</table>")

    @task(1)
    def risk_register(self):
        self.page("/risks/", "risk_register", expect="</table>")

    @task(1)
    def recovery_plans(self):
        self.page("/recovery-plans/", "recovery_plans", expect="</table>")

    @task(2)
    def meeting(self):
        self.page(f"/meetings/{random.choice(self.meetings)}/", "meeting", expect="pack.pdf")

    @task(2)
    def pack(self):
        url = f"/meetings/{random.choice(self.meetings)}/pack.pdf"
        with self.client.get(
            url, name="pack_pdf", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200 or not (response.content or b"").startswith(b"%PDF-"):
                response.failure(f"{response.status_code}: not a PDF")


class ReturnForm(HTMLParser):
    """The fields of the return form as the browser would post them, and the indicator and
    period of each line (by its prefix, l0, l1...)."""

    def __init__(self, html: str):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.lines: dict[str, tuple[str, str]] = {}
        self._in_form = False
        self._prefix = ""
        self._text_for = None  # ("textarea", name) or ("ref", prefix) while reading text
        self._select = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-live-rating" in attrs:
            self._in_form = True
        if not self._in_form:
            return
        if tag == "fieldset":
            self._prefix = attrs.get("aria-describedby", "").removesuffix("-context")
        elif tag == "span" and attrs.get("class") == "ref":
            self._text_for, self._text = ("ref", self._prefix), []
        elif tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._text_for, self._text = ("textarea", attrs["name"]), []
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select:
            # The selected option, or else the first, as a browser posts a <select>.
            if "selected" in attrs:
                self.fields[self._select] = attrs.get("value", "")
            else:
                self.fields.setdefault(self._select, attrs.get("value", ""))

    def handle_data(self, data):
        if self._text_for:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif self._text_for and tag in ("span", "textarea"):
            kind, key = self._text_for
            text = "".join(self._text)
            if kind == "textarea":
                self.fields[key] = text
            else:
                reference, _, period = text.partition(" · ")
                self.lines[key] = (reference.strip(), period.strip())
            self._text_for = None


class Officer(Visitor):
    """An officer typing the quarter's figures into the return, saving as a draft."""

    fixed_count = OFFICERS
    wait_time = between(2, 6)

    def on_start(self):
        self.username = f"officer{next(_officers):02d}"
        self.sign_in(self.username)
        self.page("/returns/", "returns", expect="Figures due")
        SAVED_DIR.mkdir(parents=True, exist_ok=True)
        self.saved = (SAVED_DIR / f"{self.username}.jsonl").open("a", encoding="utf-8")
        self.form = self.page(RETURN_URL, "return_form", expect="Save as draft")
        _ready(self.environment)

    def on_stop(self):
        self.saved.close()

    def record(self, save: dict) -> None:
        self.saved.write(json.dumps({**save, "at": time.time()}) + "\n")
        self.saved.flush()

    @task
    def save_figure(self):
        form = ReturnForm(self.form)
        if not form.lines:
            self.form = self.page(RETURN_URL, "return_form", expect="Save as draft")
            return
        prefix = random.choice(sorted(form.lines))
        reference, period = form.lines[prefix]
        value = f"{Decimal(random.randint(0, 1000)) / 10:.1f}"
        data = {**form.fields, f"{prefix}-value": f"{value}%", "save": ""}
        # Written before the POST too: a save cut off when the run stops may still land.
        record = {"officer": self.username, "indicator": reference, "period": period}
        self.record({**record, "value": value, "confirmed": False})
        with self.client.post(
            RETURN_URL,
            data=urlencode(data),
            headers=FORM,
            name="return_save",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or _location(response) != RETURN_URL:
                problem = PROBLEM.search(response.text or "")
                response.failure(
                    f"{reference} {period} not saved: "
                    f"{problem.group(1) if problem else _why(response)}"
                )
                self.form = self.page(RETURN_URL, "return_form", expect="Save as draft")
                return
        self.record({**record, "value": value, "confirmed": True})
        # Back on the form, as the redirect takes the officer, with the confirmation.
        self.form = self.page(RETURN_URL, "return_form", expect="saved as a draft")


def _ready(environment) -> None:
    """One more user has signed in and opened its first pages. Once all have, the sign-in
    figures are put aside, the statistics start afresh and the run lasts SECONDS more (in a
    capacity run, CapacitySteps counts them instead)."""
    _run["ready"] = _run.get("ready", 0) + 1
    if MODE == "capacity":
        return
    if _run["ready"] < environment.runner.target_user_count or "measuring" in _run:
        return
    _run["sign_in"] = {
        name: _figures(entry, time.monotonic() - _run["started"])
        for (name, _method), entry in environment.stats.entries.items()
        if name.startswith("login")
    }
    _run["sign_in_seconds"] = time.monotonic() - _run["started"]
    _reset_statistics(environment)
    _run["cpu"] = _cpu_seconds()
    _run["measuring"] = time.monotonic()
    gevent.spawn_later(SECONDS, environment.runner.quit)


def _cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the whole machine and by each MEASURED process with all
    its descendants, those that have ended included (Linux)."""
    return {"machine": tools.machine_cpu_seconds(), **tools.process_cpu_seconds(MEASURED)}


def _cpu_lines(then: dict, now: dict, seconds: float, requests: int, prefix: str) -> dict:
    """`bench` lines for the cores each part kept busy, whatever else ran on the machine
    meanwhile (another test suite, say), and the CPU a request cost the web workers and
    PostgreSQL; returns the cores busy by name."""
    busy = {name: tools.cores_busy(then[name], now[name], seconds) for name in now}
    for name, cores in busy.items():
        print(f"bench {prefix}_{name}_cores_busy: {cores:.2f}")
    other = busy["machine"] - sum(cores for name, cores in busy.items() if name != "machine")
    print(f"bench {prefix}_other_processes_cores_busy: {max(other, 0):.2f}")
    for name in ("web", "database"):
        if name in busy:
            ms = busy[name] * seconds / max(requests, 1) * 1000
            print(f"bench {prefix}_{name}_cpu_ms_per_request: {ms:.0f}")
    return busy


def _errors_so_far(environment) -> int:
    """Every failed request since the start, those of statistics since reset included, and
    every exception in the users' own code (a page not as expected)."""
    crashes = environment.runner.exceptions.values()
    failed = _run.get("put_aside", 0) + environment.stats.total.num_failures
    return failed + sum(crash["count"] for crash in crashes)


def _reset_statistics(environment) -> None:
    """Start the statistics afresh, keeping their failures aside."""
    _run["put_aside"] = _run.get("put_aside", 0) + environment.stats.total.num_failures
    _run.setdefault("problems", []).extend(_problems(environment.stats))
    environment.stats.reset_all()


if MODE == "capacity":

    class CapacitySteps(LoadTestShape):
        """The capacity run: STEPS members in turn (and the officers), each measured for
        STEP_SECONDS once its members have settled, until loadtest_tools.judge says stop."""

        def tick(self):
            environment, now = self.runner.environment, time.monotonic()
            step = _run.setdefault("step", {"index": 0, "began": now, "errors_before": 0})
            members = STEPS[step["index"]]
            if "measuring" not in step:
                settled = now - step["began"] >= SETTLE_SECONDS
                if settled and _run.get("ready", 0) >= members + OFFICERS:
                    _reset_statistics(environment)
                    step["cpu"], step["measuring"] = _cpu_seconds(), now
                elif now - step["began"] > SETTLE_SECONDS + 120:
                    _run["stuck"] = f"{members} members had not started after 2 minutes"
                    return None
            elif now - step["measuring"] >= STEP_SECONDS:
                if not _end_step(environment, step, members, now):
                    return None
                errors = _errors_so_far(environment)
                _run["step"] = {"index": step["index"] + 1, "began": now, "errors_before": errors}
                members = STEPS[step["index"] + 1]
            return members + OFFICERS, SPAWN_RATE


def _end_step(environment, step: dict, members: int, now: float) -> bool:
    """Print the step's figures and record it; whether the run goes on to the next."""
    seconds = now - step["measuring"]
    stats = environment.stats
    scorecard = stats.get("scorecard", "GET")
    # Errors while the step's members were starting count against the step too.
    errors = _errors_so_far(environment) - step["errors_before"]
    result = tools.Step(
        members=members,
        requests=stats.total.num_requests,
        rps=stats.total.num_requests / seconds,
        scorecard_requests=scorecard.num_requests,
        scorecard_p95_ms=scorecard.get_response_time_percentile(0.95) or 0,
        errors=errors,
    )
    _run.setdefault("results", []).append(result)
    prefix = f"loadtest_step_{members:03d}_members"
    print(f"bench {prefix}_rps: {result.rps:.1f}")
    for name, figures in (("all_pages", stats.total), ("scorecard", scorecard)):
        p50_p95_p99 = _figures(figures, seconds)["p50_p95_p99_ms"]
        print(f"bench {prefix}_{name}_p50_p95_p99_ms: {p50_p95_p99}")
    print(f"bench {prefix}_errors: {errors}")
    _cpu_lines(step["cpu"], _cpu_seconds(), seconds, result.requests, prefix)
    verdict = tools.judge(_run["results"], len(STEPS))
    _run["verdict"] = verdict
    return not verdict.done


def _figures(entry, seconds: float) -> dict:
    return {
        "requests": entry.num_requests,
        "rps": f"{entry.num_requests / seconds:.1f}",
        "p50_p95_p99_ms": "/".join(
            f"{entry.get_response_time_percentile(p):.0f}" for p in (0.5, 0.95, 0.99)
        ),
    }


def _problems(stats) -> list[str]:
    return [
        f"loadtest error: {e.method} {e.name}: {e.error} ({e.occurrences}x)"
        for e in stats.errors.values()
    ]


@events.test_start.add_listener
def _started(environment, **kwargs):
    _run["started"] = time.monotonic()


@events.test_stop.add_listener
def _report(environment, **kwargs):
    """`bench` lines when the run stops, then the errors and the exit code they call for:
    any error fails the run."""
    if MODE == "capacity":
        _report_capacity(environment)
    elif "measuring" not in _run:
        print("loadtest error: the run ended before every user had signed in")
        environment.process_exit_code = 1
        return
    else:
        _report_offered_load(environment)
    errors = _errors_so_far(environment)
    print(f"bench loadtest_errors: {errors}")
    for problem in _run.get("problems", []):
        print(problem)
    for problem in _problems(environment.stats):
        print(problem)
    for crash in environment.runner.exceptions.values():
        print(f"loadtest error: {crash['msg']} ({crash['count']}x)\n{crash['traceback']}")
    if "stuck" in _run:
        print(f"loadtest error: {_run['stuck']}")
    environment.process_exit_code = 1 if errors or "stuck" in _run else 0


def _report_offered_load(environment) -> None:
    """The sign-in, then per page over the measured run its requests per second and
    p50/p95/p99 latency, and the CPU it cost."""
    stats = environment.stats
    seconds = time.monotonic() - _run["measuring"]
    print(f"bench loadtest_sign_in_all_users_seconds: {_run['sign_in_seconds']:.0f}")
    for name, figures in sorted(_run["sign_in"].items()):
        for key, figure in figures.items():
            print(f"bench loadtest_sign_in_{name}_{key}: {figure}")
    for (name, _method), entry in sorted(stats.entries.items()):
        if not entry.num_requests:
            continue  # a page only opened while signing in
        for key, figure in _figures(entry, seconds).items():
            print(f"bench loadtest_{name}_{key}: {figure}")
    for key, figure in _figures(stats.total, seconds).items():
        print(f"bench loadtest_all_pages_{key}: {figure}")
    print(f"bench loadtest_seconds: {seconds:.0f}")
    _cpu_lines(_run["cpu"], _cpu_seconds(), seconds, stats.total.num_requests, "loadtest")


def _report_capacity(environment) -> None:
    """The largest step that held, and what ended the stepping (the steps' own figures
    were printed as each ended)."""
    verdict = _run.get("verdict") or tools.judge([], len(STEPS))
    held = verdict.held
    print(f"bench loadtest_capacity_steps_measured: {len(_run.get('results', []))}")
    print(f"bench loadtest_capacity_members: {held.members if held else 0}")
    print(f"bench loadtest_capacity_rps: {held.rps if held else 0:.1f}")
    print(f"bench loadtest_capacity_scorecard_p95_ms: {held.scorecard_p95_ms if held else 0:.0f}")
    print(f"bench loadtest_capacity_stopped_by: {verdict.stopped_by or 'the run ended early'}")
