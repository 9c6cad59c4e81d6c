"""Pages travel compressed: a 300-row scorecard is a fraction of its size on the wire, and
files that are compressed already (PDFs, workbooks) are sent as they are."""

import gzip

import pytest

from tests.factories import bulk_scorecard

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.mark.django_db
def test_the_scorecard_is_sent_gzipped_to_a_browser_that_accepts_it(client, make_indicator):
    bulk_scorecard(make_indicator, 30)
    plain = client.get("/scorecard/")
    packed = client.get("/scorecard/", **GZIP)
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert "Indicator 30" in page and "</html>" in page
    assert len(packed.content) < len(plain.content) / 4


@pytest.mark.django_db
def test_csv_is_compressed_and_excel_is_not(client, make_indicator):
    bulk_scorecard(make_indicator, 5)
    csv = client.get("/scorecard/export.csv", **GZIP)
    assert csv["Content-Encoding"] == "gzip"
    assert gzip.decompress(csv.content).decode("utf-8-sig").startswith("Section,Reference")
    xlsx = client.get("/scorecard/export.xlsx", **GZIP)
    assert "Content-Encoding" not in xlsx
    assert xlsx.content[:2] == b"PK"  # the workbook's own zip, as it was
