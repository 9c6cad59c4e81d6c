"""An officer writes a recovery plan from the "needs a plan" list in a real browser, adds
an action, moves it on; a member then reads it. Axe finds nothing on any page."""

from tests.browser.conftest import axe_violations, screenshot


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "scorecard-demo")
    page.click("button[type=submit]")


def test_officer_writes_a_plan_from_the_needed_list_and_a_member_reads_it(demo_site, browser):
    from recovery_plans.models import RecoveryPlan

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, demo_site, "officer")
    page.goto(f"{demo_site}/recovery-plans/needed/")
    assert axe_violations(page) == []
    needed = page.locator("tbody tr")
    # Alex Morgan's indicators in Q4 2017/18 that need a plan and have none.
    assert needed.count() >= 1
    title = needed.first.locator("th a").inner_text()
    needed.first.get_by_role("link", name=f"Write a plan for {title}").click()
    assert page.locator("#id_indicators option:checked").inner_text().endswith(title)
    assert page.input_value("#id_period") == "2017/18"

    # Nothing typed in "why": refused, with the field named, and nothing saved.
    page.fill("#id_why", "")
    page.click("button:has-text('Save the plan')")
    assert "Why is it under-performing?: This field is required." in page.inner_text(
        ".govuk-error-summary"
    )
    assert axe_violations(page) == []
    page.fill("#id_why", "Demand rose by a fifth.\n\n- two vacancies\n- a new system")
    page.click("button:has-text('Save the plan')")
    assert "Recovery plan created" in page.inner_text(".govuk-notification-banner")
    plan = RecoveryPlan.objects.get(title=title)

    page.click("text=Add an action")
    page.fill("#id_text", "Fill both vacancies")
    page.fill("#id_leads", "Alex Morgan / Sam Patel")
    page.fill("#id_completion", "Julember 2019")
    page.click("button:has-text('Save the action')")
    assert '"Julember" is not a month' in page.inner_text(".govuk-error-summary")
    page.fill("#id_completion", "September 2018")
    page.click("button:has-text('Save the action')")
    row = page.locator("#action-1")
    assert "Fill both vacancies" in row.inner_text()
    assert "Alex Morgan" in row.inner_text() and "September 2018" in row.inner_text()
    row.locator("summary").click()
    row.locator("select").select_option("underway")
    row.locator("input[name=note]").fill("Interviews booked")
    row.get_by_role("button", name="Update status of action 1").click()
    assert "Action 1 is now underway." in page.inner_text(".govuk-notification-banner")
    screenshot(page, "recovery-plan-officer")
    assert axe_violations(page) == []
    change = plan.actions.get(number=1).status_changes.last()
    assert (change.new_status, change.note, change.changed_by.username) == (
        "underway",
        "Interviews booked",
        "officer",
    )

    # The scorecard now links the indicator to its plan instead of asking for one.
    page.goto(f"{demo_site}/scorecard/?plan=covered")
    link = page.locator("a.app-plan-note", has_text=plan.title)
    assert link.get_attribute("href") == plan.get_absolute_url()
    context.close()

    member = browser.new_context(viewport={"width": 1024, "height": 768})
    page = member.new_page()
    _sign_in(page, demo_site, "member")
    page.goto(f"{demo_site}/recovery-plans/")
    assert axe_violations(page) == []
    page.get_by_role("link", name=plan.title).click()
    assert page.get_by_role("link", name="Edit the plan").count() == 0
    assert "Fill both vacancies" in page.inner_text("#action-1")
    assert axe_violations(page) == []
    adoption = RecoveryPlan.objects.get(indicators__reference="CS13-04")
    page.goto(f"{demo_site}{adoption.get_absolute_url()}")
    screenshot(page, "recovery-plan-member")
    assert axe_violations(page) == []
    member.close()
