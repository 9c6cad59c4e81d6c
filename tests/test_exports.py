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
    assert row[6:11] == ["29.6%", "34.8%", "40.0", "Requires improvement", "Improving"]


def test_exports_apply_the_pages_filters(client, make_indicator):
    rated_indicator(make_indicator, title="Good one", figures=[("Q3 2017/18", "45")])
    rated_indicator(make_indicator, title="Bad one", figures=[("Q3 2017/18", "20")])
    rows = csv_rows(client.get("/scorecard/export.csv", {"rag": "green"}))
    assert [r[2] for r in rows[1:]] == ["Good one"]
    book = load_workbook(io.BytesIO(client.get("/scorecard/export.xlsx", {"rag": "red"}).content))
    sheet = book.active
    assert [c.value for c in sheet["C"]][1:] == ["Bad one"]


def test_xlsx_holds_the_same_cells_as_the_csv(client, make_indicator):
    rated_indicator(make_indicator)
    rows = csv_rows(client.get("/scorecard/export.csv"))
    sheet = load_workbook(io.BytesIO(client.get("/scorecard/export.xlsx").content)).active
    assert [[c.value or "" for c in row] for row in sheet.iter_rows()] == rows


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
    converted = list(csv.reader(io.StringIO((tmp_path / "scorecard.csv").read_text("utf-8"))))
    assert converted == csv_rows(client.get("/scorecard/export.csv"))
