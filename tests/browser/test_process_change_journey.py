"""The performance team records a process change on an indicator page, in a real browser:
the SPC chart starts a new phase there, with the reason on the chart, and a member sees it."""

import json

import pytest

from indicators.models import Section, Service
from indicators.roles import PERFORMANCE_TEAM
from indicators.services import save_indicator
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_return_journey import sign_in, sign_out
from tests.conftest import _user
from tests.test_process_changes import record_the_step


@pytest.fixture
def stepped_site(live_server, transactional_db):
    indicator = save_indicator(
        reference="EH01",
        title="Early help assessments completed within 45 days",
        unit="percentage",
        decimal_places=1,
        polarity="high",
        frequency="quarterly",
        section=Section.objects.create(name="Start Well", order=1),
        service=Service.objects.create(name="Early Help"),
    )
    record_the_step(indicator)
    _user("priya", PERFORMANCE_TEAM, staff=True)
    return live_server.url


def _spc(page) -> dict:
    return json.loads(page.locator("#spc-data").text_content())


def test_the_team_records_a_process_change_and_the_chart_starts_a_new_phase(stepped_site, page):
    page.goto(f"{stepped_site}/indicators/EH01/")
    page.wait_for_selector("#spc-chart .main-svg")
    # Before: the step up reads as special cause improving, on one set of limits.
    assert "Special cause improving" in page.locator(".app-spc-icons").inner_text()
    assert page.get_by_text("Record a process change").count() == 0

    sign_in(page, stepped_site, "priya")
    page.goto(f"{stepped_site}/indicators/EH01/")
    page.get_by_text("Record a process change").click()
    # A reason left out is refused, named, and the chosen period is kept.
    page.get_by_label("First period under the new process").select_option(label="Q1 2017/18")
    page.get_by_role("button", name="Record the process change").click()
    page.wait_for_load_state()
    assert (
        "What changed: Say what changed in the process."
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert (
        page.get_by_label("First period under the new process").input_value()
        == "financial_quarter:Q1 2017/18"
    )
    assert axe_violations(page) == []
    page.get_by_label("What changed").fill("New early help triage service")
    page.get_by_role("button", name="Record the process change").click()
    page.wait_for_url("**/indicators/EH01/#process-changes")
    page.wait_for_selector("#spc-chart .main-svg")
    banner = page.locator("#process-changes .govuk-notification-banner").inner_text()
    assert "Process change from Q1 2017/18 recorded" in banner
    assert page.locator(".govuk-notification-banner").count() == 1

    # After: two phases, each with its own mean; the reason on the chart and in words.
    phases = page.locator(".app-spc-phases li").all_inner_texts()
    assert phases[0].startswith("From Q1 2014/15: mean 50.4%, process limits")
    assert phases[1].startswith("From Q1 2017/18 (New early help triage service): mean 70.3%")
    assert "Common cause variation" in page.locator(".app-spc-icons").inner_text()
    assert "Will consistently pass the target" in page.locator(".app-spc-icons").inner_text()
    drawn = page.locator("#spc-chart .annotation-text").all_text_contents()
    assert any("Process change" in text for text in drawn)
    means = next(t for t in _spc(page)["data"] if t["name"].startswith("Mean"))["y"]
    assert len({m for m in means if m is not None}) == 2
    screenshot(page, "indicator-process-change")
    assert axe_violations(page) == []

    # A member reads the same chart and why it changed, without the team's controls.
    sign_out(page)
    page.goto(f"{stepped_site}/indicators/EH01/")
    page.wait_for_selector("#spc-chart .main-svg")
    assert "New early help triage service" in page.locator("#process-changes").inner_text()
    assert page.get_by_role("button", name="Withdraw").count() == 0
    page.set_viewport_size({"width": 390, "height": 900})
    screenshot(page, "indicator-process-change-phone")
    assert axe_violations(page) == []
    assert page.console_errors == []
