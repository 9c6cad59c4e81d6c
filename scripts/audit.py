"""Known vulnerabilities in the pinned dependencies: every package of uv.lock, exactly as
locked (hashes and all), checked by pip-audit against PyPI's advisory data.

Exits 1 when any locked version has a published vulnerability, naming it and the version
that fixes it. When the advisory service cannot be reached (a machine without internet
beyond a package mirror), it says how many packages went unchecked and exits 0, so a
network partition does not stop the tests; AUDIT_STRICT=true makes that a failure too, for
a CI that must prove the check ran.

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
        return 1 if os.environ.get("AUDIT_STRICT", "").lower() == "true" else 0
    print(f"audit: no known vulnerabilities in {len(checked)} packages of uv.lock", end="")
    print(f" ({unchecked} could not be checked)" if unchecked else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
