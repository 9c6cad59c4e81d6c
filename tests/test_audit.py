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
