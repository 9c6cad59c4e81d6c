"""The performance team onboards a council in a real browser: the catalogue workbook
checked, previewed and imported, then national comparator figures, with the rows the check
reported left out only once the team says so."""

from comparators.models import ComparatorValue
from indicators.models import Indicator, Value
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_return_journey import sign_in
from tests.test_catalogue import small_catalogue
from tests.test_comparators import _csv


def test_catalogue_then_comparators(live_server, transactional_db, page, priya, alice, tmp_path):
    alice.email = "alice@example.org"
    alice.save()
    site = live_server.url
    sign_in(page, site, "priya")

    # The catalogue: upload, a dry run showing what would change, then the import.
    workbook = tmp_path / "council.xlsx"
    workbook.write_bytes(small_catalogue())
    page.goto(f"{site}/returns/catalogue/")
    assert axe_violations(page) == []
    page.set_input_files("#id_workbook", str(workbook))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert page.url.endswith("/returns/catalogue/check/")
    assert "SW01" in page.content() and not Indicator.objects.exists()
    assert axe_violations(page) == []
    screenshot(page, "onboarding-catalogue-preview")
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert "Imported council.xlsx" in page.content()
    assert Indicator.objects.count() == 2 and Value.objects.published().count() == 5

    # Comparators: map a published measure code to the imported indicator.
    page.goto(f"{site}/comparators/measures/new/")
    page.fill("#id_code", "3D")
    page.select_option("#id_indicator", label=str(Indicator.objects.get(reference="SW01")))
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "3D is mapped." in page.content()

    # A file with one bad row: nothing is saved until the team leaves it out.
    figures = tmp_path / "asc.csv"
    figures.write_bytes(
        _csv(
            "3D,E10000017,Lancashire,Local authority,2011/12,74.7",
            "3D,E06000009,Blackpool,Local authority,2011/12,72.3",
            "3D,E06000008,Blackburn,Local authority,2011/12,seventy",
        )
    )
    page.goto(f"{site}/comparators/import/")
    page.set_input_files("#id_file", str(figures))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert 'Line 4, Value: "seventy" is not a number' in page.content()
    assert ComparatorValue.objects.count() == 0
    assert axe_violations(page) == []
    screenshot(page, "onboarding-comparators-report")
    page.get_by_role("button", name="Import 2 rows, leaving out 1").click()
    page.wait_for_load_state()
    assert "Imported asc.csv: 2 figures for 1 measure (2011/12)" in page.content()
    assert "1 rows with problems skipped" in page.content()
    assert ComparatorValue.objects.count() == 2
    assert axe_violations(page) == []
