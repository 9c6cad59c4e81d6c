"""The scorecard as CSV and Excel: what the page shows, with ratings in words."""

import csv
import io
import subprocess

from openpyxl import load_workbook

from tests.factories import rated_indicator


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_has_the_pages_columns_and_words_for_ratings(client, make_indicator):
    rated_indicator(make_indicator, reference="SW02", title="Contacts leading to referral")
    response = client.get("/scorecard/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="scorecard-Q3-2017-18.csv"' in response["Content-Disposition"]
    header, row = csv_rows(response)
    assert header[:4] == ["Section", "Reference", "Performance measure", "Good is high or low"]
    assert header[4:8] == ["Q4 2016/17", "Q1 2017/18", "Q2 2017/18", "Q3 2017/18"]
    assert header[8:11] == ["Target", "Rating", "Direction of travel"]
    assert row[1:4] == ["SW02", "Contacts leading to referral", "H"]
    assert row[6:11] == ["29.6%", "34.8%", "40.0%", "Requires improvement", "Improving"]


def test_exports_apply_the_pages_filters(client, make_indicator):
    rated_indicator(make_indicator, title="Good one", figures=[("Q3 2017/18", "45")])
    rated_indicator(make_indicator, title="Bad one", figures=[("Q3 2017/18", "20")])
    rows = csv_rows(client.get("/scorecard/export.csv", {"rag": "green"}))
    assert [r[2] for r in rows[1:]] == ["Good one"]
    book = load_workbook(io.BytesIO(client.get("/scorecard/export.xlsx", {"rag": "red"}).content))
    sheet = book.active
    assert [c.value for c in sheet["C"]][1:] == ["Bad one"]


def _in_common(header: list[str], rows: list[list[str]], columns: list[str]) -> list[list[str]]:
    return [[row[header.index(c)] for c in columns] for row in rows]


def test_xlsx_holds_the_csvs_rows_with_its_figures_as_numbers(client, make_indicator):
    rated_indicator(make_indicator)
    header, *rows = csv_rows(client.get("/scorecard/export.csv"))
    sheet = load_workbook(io.BytesIO(client.get("/scorecard/export.xlsx").content)).active
    book_header, *book_rows = [[c.value for c in row] for row in sheet.iter_rows()]
    words = ["Section", "Reference", "Performance measure", "Good is high or low", "Rating"]
    words += ["Direction of travel", "Variation (SPC)", "Assurance (SPC)"]
    assert _in_common(book_header, book_rows, words) == _in_common(header, rows, words)
    figures = ["Q2 2017/18", "Q3 2017/18", "Target"]
    assert _in_common(book_header, book_rows, figures) == [[0.296, 0.348, 0.4]]
    assert _in_common(header, rows, figures) == [["29.6%", "34.8%", "40.0%"]]


def test_libreoffice_opens_the_xlsx_and_reads_the_same_table(client, make_indicator, tmp_path):
    rated_indicator(make_indicator, title="Contacts leading to referral")
    (tmp_path / "scorecard.xlsx").write_bytes(client.get("/scorecard/export.xlsx").content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "scorecard.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    shown_header, *shown = list(
        csv.reader(io.StringIO((tmp_path / "scorecard.csv").read_text("utf-8")))
    )
    header, *rows = csv_rows(client.get("/scorecard/export.csv"))
    # The figures print as the CSV prints them; where the CSV has "-" for no figure the
    # workbook's cell is empty, and a target prints in its figure's unit.
    printed = [[cell if cell != "-" else "" for cell in row] for row in rows]
    columns = [c for c in header if c != "Target"]
    assert _in_common(shown_header, shown, columns) == _in_common(header, printed, columns)
    assert _in_common(shown_header, shown, ["Target"]) == [["40.0%"]]
