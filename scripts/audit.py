"""Known vulnerabilities in the pinned dependencies: every package of uv.lock, exactly as
locked (hashes and all), checked by pip-audit against PyPI's advisory data.

Exits 1 when any locked version has a published vulnerability, naming it and the version
that fixes it. When the advisory service cannot be reached (a machine without internet
beyond a package mirror), it says how many packages went unchecked and exits 0, so a
network partition does not stop the tests; AUDIT_STRICT=true makes that a failure too, for
a CI that must prove the check ran. pip-audit stops with a traceback when the service
refuses the connection outright (no report at all); that is read as the same "could not
be reached", naming the packages and the error, not as a failure of the audit.

Usage: .venv/bin/python scripts/audit.py   (make audit; make test runs it first)
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def summarise(report: dict) -> tuple[list[str], list[str], int]:
    """(vulnerabilities found, packages checked, packages that could not be checked)."""
    found, checked, unchecked = [], [], 0
    for dependency in report.get("dependencies", []):
        if dependency.get("skip_reason"):
            unchecked += 1
            continue
        checked.append(dependency["name"])
        for vuln in dependency.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            found.append(
                f"{dependency['name']} {dependency['version']}: {vuln['id']}"
                + (f" ({aliases})" if aliases else "")
                + f"; fixed in {fixes}"
            )
    return found, checked, unchecked


# What requests raises when the advisory service (or the proxy to it) cannot be reached.
_UNREACHABLE = ("ConnectionError", "ProxyError", "ConnectTimeout", "ReadTimeout", "SSLError")


def unreachable_reason(stderr: str) -> str | None:
    """The error line when pip-audit stopped because the service could not be reached."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if any(f"requests.exceptions.{name}" in line for name in _UNREACHABLE):
            return line
    return None


def locked_names(requirements: str) -> list[str]:
    """The package names of an exported requirements file, in its order."""
    return [
        line.split("==", 1)[0].strip()
        for line in requirements.splitlines()
        if line and not line.startswith((" ", "#", "-")) and "==" in line
    ]


def _unreachable(names: list[str], reason: str) -> int:
    print(f"audit: the advisory service could not be reached: {reason}")
    print(f"audit: {len(names)} packages of uv.lock were not checked: {', '.join(names)}")
    return _no_network()


def _no_network() -> int:
    if os.environ.get("AUDIT_STRICT", "").lower() == "true":
        return 1
    print("audit: skipped: no network (AUDIT_STRICT=true makes this a failure)")
    return 0


def main() -> int:
    uv = ROOT / ".tools" / "bin" / "uv"
    with tempfile.TemporaryDirectory() as work:
        requirements = Path(work) / "requirements.txt"
        exported = subprocess.run(
            [str(uv), "export", "--frozen", "--no-emit-project", "--format", "requirements-txt"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        requirements.write_text(exported.stdout)
        report_path = Path(work) / "audit.json"
        audit = subprocess.run(
            [
                str(Path(sys.executable).parent / "pip-audit"),
                "--requirement",
                str(requirements),
                "--require-hashes",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                str(report_path),
            ],
            capture_output=True,
            text=True,
        )
        if not report_path.exists():
            reason = unreachable_reason(audit.stderr)
            if reason is not None:
                return _unreachable(locked_names(exported.stdout), reason)
            print(audit.stderr, file=sys.stderr)
            print("audit: pip-audit failed before it could report", file=sys.stderr)
            return 1
        report = json.loads(report_path.read_text())
    found, checked, unchecked = summarise(report)
    for line in found:
        print(f"audit: VULNERABLE {line}")
    if found:
        print(f"audit: {len(found)} known vulnerabilities in uv.lock: upgrade and relock")
        return 1
    if not checked:
        print(
            f"audit: the advisory service could not be reached; {unchecked} packages of "
            "uv.lock were not checked"
        )
        return _no_network()
    print(f"audit: no known vulnerabilities in {len(checked)} packages of uv.lock", end="")
    print(f" ({unchecked} could not be checked)" if unchecked else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
