"""Settings come from the environment and fail loudly when they are wrong."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from scorecard.env import database_from_url, env_bool

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_debug_a_missing_secret_key_stops_start_up_with_a_clear_message():
    result = run_check()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_mode_starts_without_a_secret_key():
    result = run_check(DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_a_misspelt_boolean_is_an_error_not_a_silent_false(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG")


def test_database_url_selects_postgresql_with_its_parts():
    config = database_from_url("postgres://scorecard:s%40cret@db.internal:5433/council")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == (
        "council",
        "scorecard",
        "s@cret",
    )
    assert (config["HOST"], config["PORT"]) == ("db.internal", "5433")


def test_database_url_may_name_a_socket_directory():
    config = database_from_url("postgresql://postgres@/scorecard?host=/tmp/pgsock")
    assert config["HOST"] == "/tmp/pgsock"


def test_an_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://root@localhost/db")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RETURNS_OPEN_WORKING_DAYS": "0"}, "RETURNS_OPEN_WORKING_DAYS must be 1 or more"),
        (
            {"RETURNS_OPEN_WORKING_DAYS": "5", "RETURNS_DUE_WORKING_DAYS": "4"},
            "cannot be due before they open",
        ),
        ({"RETURNS_REMINDER_WORKING_DAYS": "-1"}, "RETURNS_REMINDER_WORKING_DAYS must be 0"),
        ({"RETURNS_DUE_WORKING_DAYS": "ten"}, "RETURNS_DUE_WORKING_DAYS must be a whole number"),
    ],
)
def test_a_return_timetable_rule_that_cannot_be_stops_start_up(env, message):
    result = run_check(DEBUG="true", **env)
    assert result.returncode != 0
    assert message in result.stderr


SSO = {
    "SECRET_KEY": "test",
    "OIDC_ISSUER": "https://login.microsoftonline.com/0000-tenant/v2.0",
    "OIDC_CLIENT_ID": "client",
    "OIDC_CLIENT_SECRET": "secret",
}


def test_single_sign_on_configured_starts_without_reaching_the_provider():
    # The issuer is not reachable from here: nothing is fetched until someone signs in.
    assert run_check(**SSO, SSO_REQUIRED_FOR_STAFF="true").returncode == 0


def test_single_sign_on_half_configured_names_what_is_missing():
    result = run_check(**{**SSO, "OIDC_CLIENT_SECRET": ""})
    assert result.returncode != 0
    assert "not set: OIDC_CLIENT_SECRET." in result.stderr


def test_an_issuer_over_plain_http_is_refused():
    result = run_check(**{**SSO, "OIDC_ISSUER": "http://login.example.net/tenant"})
    assert result.returncode != 0
    assert "OIDC_ISSUER must be an https:// address" in result.stderr


def test_staff_passwords_cannot_be_switched_off_without_single_sign_on():
    result = run_check(SECRET_KEY="test", SSO_REQUIRED_FOR_STAFF="true")
    assert result.returncode != 0
    assert "SSO_REQUIRED_FOR_STAFF turns staff passwords off" in result.stderr


def test_the_issuer_may_be_given_as_its_discovery_address():
    from scorecard.env import issuer_from_setting

    tenant = "https://login.microsoftonline.com/0000-tenant/v2.0"
    assert issuer_from_setting(f" {tenant}/.well-known/openid-configuration ") == tenant
    assert issuer_from_setting(tenant + "/") == tenant
