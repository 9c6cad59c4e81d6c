"""The production profile: health and readiness checks, the worker's heartbeat, structured
logs, `check --deploy`, and gunicorn with the task worker serving hashed static files."""

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.error import HTTPError

import pytest
from django.db import DatabaseError
from django.utils import timezone

from operations.jsonlog import JsonFormatter
from operations.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


@pytest.mark.django_db
def test_healthz_says_whether_the_database_answers(client, monkeypatch):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"]

    def down(*args, **kwargs):
        raise DatabaseError("connection refused")

    from operations import views

    monkeypatch.setattr(views, "_database_up", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "down"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "database": "failing",
        "writes": "failing",
        "migrations": "failing",
        "worker": "failing",
    }


@pytest.mark.django_db
def test_readyz_needs_migrations_and_a_live_worker(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "ok" and response.json()["worker"] == "failing"
    now = timezone.now()
    beat = WorkerHeartbeat.objects.create(worker_id="w1", seen_at=now, started_at=now)
    assert client.get("/readyz").json() == {
        "status": "ready",
        "database": "ok",
        "writes": "ok",
        "migrations": "ok",
        "worker": "ok",
    }
    beat.seen_at = now - timedelta(minutes=2)
    beat.save()
    assert client.get("/readyz").status_code == 503


@pytest.mark.django_db(transaction=True)
def test_a_read_only_database_makes_the_instance_not_ready_but_still_alive(client):
    """The database is made read-only for this connection as an operator or a failover would
    leave it: SQLite's query_only, PostgreSQL's default_transaction_read_only."""
    from django.db import connection

    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", seen_at=now, started_at=now)
    assert client.get("/readyz").status_code == 200  # the probe's write leaves nothing behind
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w1"]
    on, off = {
        "sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
        "postgresql": (
            "SET default_transaction_read_only = on",
            "SET default_transaction_read_only = off",
        ),
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(on)
    try:
        ready = client.get("/readyz")
        alive = client.get("/healthz")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(off)
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "not ready",
        "database": "ok",
        "writes": "failing",
        "migrations": "ok",
        "worker": "ok",
    }
    assert alive.status_code == 200 and alive.json() == {"status": "ok", "database": "up"}
    assert client.get("/readyz").status_code == 200
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w1"]


def test_json_logs_are_one_object_per_line():
    record = logging.LogRecord("meetings", logging.ERROR, __file__, 1, "Pack %s failed", (3,), None)
    try:
        raise RuntimeError("out of memory")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line.split('"exception"')[0]
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "meetings"
    assert (
        entry["message"] == "Pack 3 failed" and "RuntimeError: out of memory" in entry["exception"]
    )


def _production_env(tmp_path: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        # The browser tests allow async-unsafe calls in their own process only.
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
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        BEHIND_PROXY="true",
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
        LOG_FORMAT="json",
    )
    return env


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    result = subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_production_profile_serves_with_gunicorn_and_a_worker(tmp_path):
    env = _production_env(tmp_path)
    manage = [PYTHON, "manage.py"]
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, timeout=300)
    port = _free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent))
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    with web_log.open("wb") as out:
        web = subprocess.Popen(
            [gunicorn, "scorecard.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    with worker_log.open("wb") as out:
        worker = subprocess.Popen(
            manage + ["task_worker", "--no-startup-delay", "--interval", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        ready = None
        while time.monotonic() < deadline:
            try:
                ready = _get(f"{base}/readyz")
            except OSError:
                ready = None
            if ready and ready[0] == 200:
                break
            time.sleep(0.5)
        assert ready is not None and ready[0] == 200, ready
        assert json.loads(ready[2]) == {
            "status": "ready",
            "database": "ok",
            "writes": "ok",
            "migrations": "ok",
            "worker": "ok",
        }
        # Plain HTTP is sent to HTTPS; over HTTPS (at the proxy) pages carry HSTS.
        status, headers, _ = _get(f"{base}/meetings/")
        assert status == 301 and headers["Location"].startswith("https://")
        status, headers, page = _get(f"{base}/meetings/", **{"X-Forwarded-Proto": "https"})
        assert status == 200 and "max-age=31536000" in headers["Strict-Transport-Security"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        # Static files come hashed and compressed, to be cached for ever.
        stylesheet = page.decode().split('rel="stylesheet" href="')[1].split('"')[0]
        assert stylesheet.startswith("/static/build/app.") and stylesheet != "/static/build/app.css"
        status, headers, _ = _get(
            f"{base}{stylesheet}", **{"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"}
        )
        assert status == 200 and "immutable" in headers["Cache-Control"]
        assert headers.get("Content-Encoding") == "gzip"
    finally:
        for process in (worker, web):
            process.terminate()
        for process in (worker, web):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    # The worker stopped cleanly and took its heartbeat with it; logs are JSON lines.
    assert worker.returncode == 0, worker_log.read_text()
    lines = [line for line in worker_log.read_text().splitlines() if line.startswith("{")]
    assert lines and all(json.loads(line)["level"] for line in lines)
    assert "Starting worker" in "".join(json.loads(line)["message"] for line in lines)
