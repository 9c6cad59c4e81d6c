"""The dependency audit's verdict on pip-audit's report (scripts/audit.py)."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "audit.py"
spec = importlib.util.spec_from_file_location("audit", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_a_vulnerable_pin_is_named_with_its_advisory_and_fix():
    report = {
        "dependencies": [
            {"name": "django", "version": "6.1.3", "vulns": []},
            {
                "name": "pillow",
                "version": "9.0.0",
                "vulns": [
                    {
                        "id": "PYSEC-2022-168",
                        "fix_versions": ["9.0.1"],
                        "aliases": ["CVE-2022-24303"],
                        "description": "...",
                    }
                ],
            },
        ]
    }
    found, checked, unchecked = audit.summarise(report)
    assert found == ["pillow 9.0.0: PYSEC-2022-168 (CVE-2022-24303); fixed in 9.0.1"]
    assert checked == ["django", "pillow"] and unchecked == 0


def test_packages_the_service_could_not_answer_for_are_counted_not_passed():
    report = {
        "dependencies": [
            {"name": "asgiref", "skip_reason": "Dependency not found on PyPI"},
            {"name": "nh3", "version": "0.3.7", "vulns": [{"id": "GHSA-x", "fix_versions": []}]},
        ]
    }
    found, checked, unchecked = audit.summarise(report)
    assert found == ["nh3 0.3.7: GHSA-x; fixed in no fixed version yet"]
    assert checked == ["nh3"] and unchecked == 1


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_advisory_service_is_reported_package_by_package_and_passes():
    """pip-audit itself, through a proxy on a closed local port: every request is refused."""
    import os
    import subprocess
    import sys

    proxy = f"http://127.0.0.1:{_closed_port()}"
    env = {
        **{k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "audit_strict")},
        "HTTPS_PROXY": proxy,
        "HTTP_PROXY": proxy,
    }
    run = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert "the advisory service could not be reached" in run.stdout
    assert "ProxyError" in run.stdout  # why
    assert "were not checked: " in run.stdout and "django" in run.stdout  # which

    strict = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        env={**env, "AUDIT_STRICT": "true"},
        timeout=300,
    )
    assert strict.returncode == 1
