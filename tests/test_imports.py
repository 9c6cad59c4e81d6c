"""The return workbook: download, fill in, upload; all or nothing, and safe."""

import io
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from indicators.models import Section, Value
from indicators.periods import parse_period
from indicators.services import record_value
from returns.workbook import check_file, import_figures
from spreadsheets.uploads import ImportRefused

URL = "/returns/2017-18/Q3/"


@pytest.fixture
def return_for_alice(make_indicator, alice):
    live_well = Section.objects.create(name="Live Well", order=2)
    contacts = make_indicator(
        owner=alice, reference="SW01", unit="count", decimal_places=0, title="Number of contacts"
    )
    referral = make_indicator(owner=alice, reference="SW02", title="Contacts to referral")
    visits = make_indicator(
        owner=alice,
        reference="LW03",
        unit="count",
        decimal_places=0,
        section=live_well,
        title="Library visits",
    )
    record_value(indicator=referral, period=parse_period("Q2 2017/18"), value=Decimal("29.6"))
    return contacts, referral, visits


def download(client, user) -> bytes:
    client.force_login(user)
    return client.get(f"{URL}workbook.xlsx").content


def fill(data: bytes, cells: dict[tuple[str, str], str]) -> bytes:
    book = load_workbook(io.BytesIO(data))
    for (sheet, cell), value in cells.items():
        book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_workbook_has_a_sheet_per_section_locked_columns_and_validation(
    client, alice, return_for_alice
):
    book = load_workbook(io.BytesIO(download(client, alice)))
    assert book.sheetnames == ["Instructions", "Start Well", "Live Well"]
    sheet = book["Start Well"]
    assert [c.value for c in sheet[1]][:7] == [
        "Reference",
        "Indicator",
        "Period",
        "Unit",
        "Earlier figures",
        "Target",
        "Figure",
    ]
    assert [sheet["A2"].value, sheet["A3"].value] == ["SW01", "SW02"]
    assert sheet["E3"].value == "Q2 2017/18: 29.6%"
    assert sheet.protection.sheet and sheet["A2"].protection.locked
    assert not sheet["G2"].protection.locked
    assert "I2" in str(sheet.data_validations.dataValidation[0].sqref)


def test_a_filled_workbook_imports_as_drafts_and_again_changes_nothing(
    client, alice, return_for_alice
):
    data = fill(
        download(client, alice),
        {
            ("Start Well", "G2"): "8,632",
            ("Start Well", "J2"): "A third from the police",
            ("Start Well", "G3"): "34.8%",
            ("Live Well", "H2"): "Available in Q4",
        },
    )
    result = import_figures(data, by=alice)
    assert (result.problems, result.created, result.unchanged) == ([], 3, 0)
    figures = {v.indicator.reference: v for v in Value.objects.filter(state="draft")}
    assert figures["SW01"].value == Decimal("8632") and figures["SW02"].value == Decimal("34.8")
    assert figures["LW03"].missing_reason == "Available in Q4"
    history = Value.history.count()
    again = import_figures(data, by=alice)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert Value.history.count() == history


def test_every_bad_cell_is_listed_and_nothing_is_saved(client, alice, return_for_alice):
    data = fill(
        download(client, alice),
        {
            ("Start Well", "G2"): "41, 554",
            ("Start Well", "G3"): "104.2%",
            ("Live Well", "G2"): "12",
            ("Live Well", "I2"): "Guess",
        },
    )
    result = import_figures(data, by=alice)
    assert [str(p) for p in result.problems] == [
        "Start Well G2 (SW01): '41, 554' is not a number.",
        "Start Well G3 (SW02): A percentage cannot be over 100: 104.2 was entered.",
        "Live Well I2 (LW03): 'Guess' is not a status: use Provisional, Estimate or Final",
    ]
    assert not Value.objects.filter(state="draft").exists()


def test_rows_for_someone_elses_indicator_are_refused(client, alice, bob, return_for_alice):
    data = fill(download(client, alice), {("Start Well", "G2"): "8,632"})
    result = import_figures(data, by=bob)
    assert "'SW01' is not an indicator you can enter figures for" in str(result.problems[0])
    assert not Value.objects.filter(state="draft").exists()


def test_the_upload_page_reports_problems_by_cell(client, alice, return_for_alice):
    data = fill(download(client, alice), {("Start Well", "G2"): "lots"})
    response = client.post(f"{URL}upload/", {"workbook": _file(data)})
    assert response.status_code == 200
    assert "Start Well G2 (SW01): &#x27;lots&#x27; is not a number." in response.text
    good = fill(download(client, alice), {("Start Well", "G2"): "8,632"})
    response = client.post(f"{URL}upload/", {"workbook": _file(good)}, follow=True)
    assert "Imported: 1 new, 0 changed, 0 unchanged" in response.text


def _file(data: bytes, name: str = "return.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


MINIMAL = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Reference,Figure\nSW01,8632\n", "not an Excel .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "password-protected"),
        (b"x" * (10 * 1024 * 1024 + 1), "over 10 MB"),
        (_zip({**MINIMAL, "xl/vbaProject.bin": b"macro"}), "contains macros"),
        (_zip({"[Content_Types].xml": b"<Types/>"}), "not an Excel .xlsx workbook"),
        (
            _zip(
                {
                    **MINIMAL,
                    "xl/sharedStrings.xml": b'<?xml version="1.0"?><!DOCTYPE lolz '
                    b'[<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><sst>&lol2;</sst>',
                }
            ),
            "XML entity declarations",
        ),
        (
            _zip({**MINIMAL, "xl/worksheets/sheet1.xml": b"0" * (201 * 1024 * 1024)}),
            "unpacks to far more data",
        ),
    ],
)
def test_files_that_are_not_safe_workbooks_are_refused(data, message):
    with pytest.raises(ImportRefused, match=message):
        check_file(data)


def test_a_refused_file_on_the_page_says_why(client, alice, return_for_alice):
    client.force_login(alice)
    response = client.post(f"{URL}upload/", {"workbook": _file(b"not a workbook", "x.csv")})
    assert response.status_code == 200
    assert "not an Excel .xlsx workbook" in response.text


def test_an_oversized_upload_is_refused_before_it_is_read(client, alice, return_for_alice):
    from django.conf import settings

    client.force_login(alice)
    before = list(Value.objects.values_list("pk", "value", "version"))
    big = b"PK\x03\x04" + b"\0" * settings.MAX_REQUEST_BYTES
    response = client.post(f"{URL}upload/", {"workbook": _file(big)})
    assert response.status_code == 413
    assert "The file is too large" in response.text and "up to 21 MB" in response.text
    assert list(Value.objects.values_list("pk", "value", "version")) == before


def test_the_command_shares_the_importer(client, alice, return_for_alice, tmp_path):
    path = tmp_path / "return.xlsx"
    path.write_bytes(fill(download(client, alice), {("Start Well", "G2"): "41, 554"}))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_figures", str(path), "--user", "alice", stderr=StringIO())
    path.write_bytes(fill(download(client, alice), {("Start Well", "G2"): "8,632"}))
    out = StringIO()
    call_command("import_figures", str(path), "--user", "alice", stdout=out)
    assert "1 new" in out.getvalue()
    with pytest.raises(CommandError, match="no active user"):
        call_command("import_figures", str(path), "--user", "nobody")


def test_import_queries_do_not_grow_with_rows(make_indicator, priya):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.test_bench import _return_workbook
    from indicators.roles import is_performance_team

    is_performance_team(priya)  # roles are read once per user object; read them first
    counts = []
    for how_many in (2, 12):
        data = _return_workbook(make_indicator, priya, how_many)
        with CaptureQueriesContext(connection) as captured:
            assert import_figures(data, by=priya).created == how_many * 20
        counts.append(len(captured))
    assert counts[0] == counts[1]


def _with_sheet_xml(data: bytes, rewrite) -> bytes:
    """The workbook with its first section sheet's XML rewritten, as an attacker would."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                content = rewrite(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def _cell_at(reference: str):
    def rewrite(xml: bytes) -> bytes:
        row = reference.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        cell = f'<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", cell.encode() + b"</sheetData>")

    return rewrite


def _many_cells(xml: bytes) -> bytes:
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in "ABCDEFGHIJKL") + "</row>"
        for r in range(100, 200_000)
    )
    return xml.replace(b"</sheetData>", rows.encode() + b"</sheetData>")


def _post_refused(client, user, data: bytes, monkeypatch) -> str:
    import spreadsheets.workbooks

    def calamine_must_not_run(*args, **kwargs):
        raise AssertionError("the workbook reached python-calamine")

    monkeypatch.setattr(spreadsheets.workbooks, "CalamineWorkbook", calamine_must_not_run)
    client.force_login(user)
    before = list(Value.objects.values_list("pk", "value", "version"))
    response = client.post(f"{URL}upload/", {"workbook": _file(data)})
    assert response.status_code == 200
    assert list(Value.objects.values_list("pk", "value", "version")) == before
    return response.text


@pytest.mark.parametrize(
    ("rewrite", "message"),
    [
        (_cell_at("XFD1048576"), "A sheet of the workbook reaches row 1,048,576"),
        (_cell_at("ZZ20000"), "A sheet of the workbook reaches column ZZ"),
        (_cell_at("L900000"), "A sheet of the workbook reaches row 900,000"),
        (
            lambda xml: xml.replace(b'<dimension ref="A1:', b'<dimension ref="A1:XFD1048576" x="'),
            "reaches column XFD",
        ),
        (_many_cells, "at most 2,000,000"),
    ],
)
def test_a_workbook_too_large_to_read_is_refused_before_it_is_read(
    client, alice, return_for_alice, monkeypatch, rewrite, message
):
    data = _with_sheet_xml(download(client, alice), rewrite)
    assert len(data) < 10 * 1024 * 1024  # small enough to pass the size check
    text = _post_refused(client, alice, data, monkeypatch)
    assert message in text
    assert "Delete the cells beyond the table and upload it again." in text


def test_a_workbook_with_a_bad_checksum_is_refused(client, alice, return_for_alice, monkeypatch):
    data = fill(download(client, alice), {("Start Well", "G2"): "8,632"})
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    # One byte of the stored sharedStrings changed after its checksum was written.
    damaged = out.getvalue().replace(b"Reference", b"Referencf", 1)
    assert damaged != out.getvalue()
    text = _post_refused(client, alice, damaged, monkeypatch)
    assert "The workbook is damaged" in text


def test_only_the_first_problems_are_listed(client, alice, return_for_alice, settings):
    def bad_rows(xml: bytes) -> bytes:
        rows = "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>ZZ{r}</t></is></c></row>'
            for r in range(5, 505)
        )
        return xml.replace(b"</sheetData>", rows.encode() + b"</sheetData>")

    data = _with_sheet_xml(download(client, alice), bad_rows)
    client.force_login(alice)
    response = client.post(f"{URL}upload/", {"workbook": _file(data)})
    assert response.status_code == 200
    assert response.text.count("is not an indicator you can enter figures for") == 200
    assert "and 300 more problems" in response.text
    assert not Value.objects.filter(state="draft").exists()


def test_the_check_refuses_a_cell_at_the_last_cell_of_a_sheet_without_reading_it():
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1"/><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c>'
        b"</row></sheetData></worksheet>"
    )
    with pytest.raises(ImportRefused, match="reaches row 1,048,576"):
        check_file(_zip({**MINIMAL, "xl/worksheets/sheet1.xml": sheet}))
    lying = sheet.replace(b'<row r="1048576">', b"<row>").replace(b' r="XFD1048576"', b"")
    lying = lying.replace(b"<c><v>1</v></c>", b"<c/>" * 101)
    with pytest.raises(ImportRefused, match="reaches column CW"):
        check_file(_zip({**MINIMAL, "xl/worksheets/sheet1.xml": lying}))


def test_the_state_column_says_where_each_line_is_and_locks_what_waits_for_the_team(
    client, alice, priya, return_for_alice
):
    from returns.workflow import Entry, return_figure, save_entry

    contacts, referral, visits = return_for_alice
    q3 = parse_period("Q3 2017/18")
    save_entry(indicator=contacts, period=q3, entry=Entry(Decimal("8632")), by=alice, submit=True)
    sent_back = save_entry(
        indicator=referral, period=q3, entry=Entry(Decimal("34.8")), by=alice, submit=True
    )
    return_figure(value=sent_back, reason="Check against the LCS extract", by=priya)
    data = download(client, alice)
    sheet = load_workbook(io.BytesIO(data))["Start Well"]
    assert sheet["N1"].value == "State"
    assert sheet["N2"].value == "Submitted: waiting for the performance team (locked)"
    assert sheet["N3"].value == "Returned: Check against the LCS extract"
    assert load_workbook(io.BytesIO(data))["Live Well"]["N2"].value == "Not started"
    # The submitted line is locked whole; the returned one is open to correct.
    assert all(cell.protection.locked for cell in sheet[2])
    assert not sheet["G3"].protection.locked and sheet["N3"].protection.locked
    # Imported back as it is, nothing changes; the State column is never read.
    result = import_figures(data, by=alice)
    assert result.problems == [] and result.changed == 0
    # A submitted line changed anyway (the sheet unprotected) is refused at its cell.
    edited = fill(data, {("Start Well", "G2"): "9,000", ("Start Well", "N2"): "Draft"})
    result = import_figures(edited, by=alice)
    assert [(p.sheet, p.cell) for p in result.problems] == [("Start Well", "G2")]
    assert "is submitted; the performance team must return it first" in str(result.problems[0])
    assert Value.objects.get(indicator=contacts, is_current=True).value == Decimal("8632")


def test_a_workbook_downloaded_before_the_state_column_imports(client, alice, return_for_alice):
    data = download(client, alice)
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets[1:]:
        sheet.delete_cols(14)
    book["Start Well"]["G2"] = "8,632"
    out = io.BytesIO()
    book.save(out)
    result = import_figures(out.getvalue(), by=alice)
    assert (result.problems, result.created) == ([], 1)
