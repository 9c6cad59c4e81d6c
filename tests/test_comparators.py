"""National comparators: other councils' published figures imported from CSV, the council's
rank, quartile and group averages beside its own figures, and recovery plans' comparative
tables built from them."""

import csv
from decimal import Decimal as D
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from comparators import ranking, services
from comparators.imports import import_comparators
from comparators.models import Area, ComparatorGroup, ComparatorValue, ImportRun
from spreadsheets.uploads import ImportRefused
from tests.factories import rated_indicator

HEADER = "Measure code,Area code,Area name,Area type,Period,Value\n"

# Ranking rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
    ],
)
def test_ordinals_are_written_as_people_write_them(number, text):
    assert ranking.ordinal(number) == text


def test_a_rank_starts_at_one():
    with pytest.raises(ValueError):
        ranking.ordinal(0)


@pytest.mark.parametrize(
    ("value", "others", "polarity", "expected"),
    [
        (D(20), [D(10), D(15)], "high", 1),
        (D(20), [D(10), D(15)], "low", 3),
        (D(15), [D(10), D(20)], "high", 2),
        (D(15), [D(10), D(20)], "low", 2),
        # Ties share the better rank: 1st, 2nd, 2nd, 4th.
        (D(15), [D(20), D(15), D(10)], "high", 2),
        (D(10), [D(20), D(15), D(15)], "high", 4),
        (D(15), [D(15), D(15)], "low", 1),
        (D(7), [], "high", 1),
    ],
)
def test_rank_follows_polarity_and_ties_share_the_better_rank(value, others, polarity, expected):
    assert ranking.rank(value, others, polarity=polarity) == expected


def test_a_context_measure_is_not_ranked():
    with pytest.raises(ValueError):
        ranking.rank(D(1), [D(2)], polarity="none")


@pytest.mark.parametrize(
    ("of", "quartiles"),
    [
        (4, [1, 2, 3, 4]),
        (5, [1, 1, 2, 3, 4]),
        (8, [1, 1, 2, 2, 3, 3, 4, 4]),
        (23, [1] * 6 + [2] * 6 + [3] * 6 + [4] * 5),
    ],
)
def test_quartiles_split_the_group_into_four_best_first(of, quartiles):
    assert [ranking.quartile(position, of) for position in range(1, of + 1)] == quartiles


@pytest.mark.parametrize("of", [1, 2, 3])
def test_a_group_of_fewer_than_four_has_no_quartiles(of):
    assert ranking.quartile(1, of) is None


@pytest.mark.parametrize(("position", "of"), [(0, 4), (5, 4), (1, 0)])
def test_an_impossible_rank_is_refused(position, of):
    with pytest.raises(ValueError):
        ranking.quartile(position, of)


def test_the_mean_leaves_out_members_without_a_figure_and_ranks_the_rest():
    figures = ranking.group_figures(
        {"a": D(10), "b": None, "c": D(20), "me": D(15), "d": D(30)},
        council="me",
        council_value=D(15),
        polarity="high",
    )
    assert figures.mean == D(75) / 4
    assert (figures.members, figures.present, figures.missing) == (5, 4, ("b",))
    assert figures.standing == ranking.Standing(rank=3, of=4, quartile=3)
    assert figures.standing.describe() == "3rd of 4, 3rd quartile"


def test_the_council_is_ranked_among_neighbours_that_do_not_list_it():
    figures = ranking.group_figures(
        {"a": D(10), "b": D(20), "c": D(30)},
        council="me",
        council_value=D(5),
        polarity="low",
    )
    # The mean is of the neighbours only; the ranking counts the council too.
    assert figures.mean == D(20)
    assert figures.standing.describe() == "1st of 4, 1st quartile"


def test_no_standing_without_the_councils_figure_or_a_polarity():
    members = {"a": D(1), "me": None}
    assert (
        ranking.group_figures(members, council="me", council_value=None, polarity="high").standing
        is None
    )
    assert (
        ranking.group_figures(
            {"a": D(1)}, council="me", council_value=D(2), polarity="none"
        ).standing
        is None
    )
    assert ranking.group_figures({}, council="me", council_value=None, polarity="high").mean is None


def test_a_small_group_prints_its_rank_without_a_quartile():
    figures = ranking.group_figures(
        {"a": D(1), "me": D(2)}, council="me", council_value=D(2), polarity="high"
    )
    assert figures.standing.describe() == "1st of 2"


@pytest.mark.parametrize(
    ("first", "second", "places", "same"),
    [
        (D("18.9"), D("18.895652"), 1, True),
        (D("75.5"), D("75.921739"), 1, False),
        (D("18.85"), D("18.9"), 1, True),  # half up, as people round
        (D("18.84"), D("18.9"), 1, False),
        (D("3"), D("3.4"), 0, True),
    ],
)
def test_same_when_rounded(first, second, places, same):
    assert ranking.same_when_rounded(first, second, places) is same


# Importing ----------------------------------------------------------------------------------


@pytest.fixture
def measured(make_indicator):
    """Two mapped indicators: a percentage (good is high) and a rate (good is low)."""
    survey = make_indicator(reference="ASC1", title="Finding information easy", frequency="annual")
    delays = make_indicator(
        reference="DTOC",
        title="Delayed transfers",
        unit="rate",
        rate_per=100_000,
        polarity="low",
        frequency="annual",
    )
    services.save_measure(code="3D", indicator=survey, name="Easy to find information")
    services.save_measure(code="2C", indicator=delays)
    return survey, delays


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{row}\n" for row in rows)).encode()


GOOD = _csv(
    "3D,E10000017,Lancashire,Local authority,2011/12,74.7",
    "3D,E06000008,Blackburn with Darwen,Local authority,2011/12,77.8%",
    "3D,E06000009,Blackpool,local_authority,2011/12,72.3",
    "3D,E12000002,North West,Region,2011/12,75.5",
    "3D,E92000001,England,England,2011/12,73.8",
    "2C,E10000017,Lancashire,Local authority,2011/12,9.1",
    "2C,E06000008,Blackburn with Darwen,Local authority,2011/12,..",
    "2C,E06000009,Blackpool,Local authority,2011/12,1,234.5",
)


def test_a_good_file_is_imported_with_its_areas(measured, priya):
    result = import_comparators(GOOD.replace(b"1,234.5", b'"1,234.5"'), by=priya, filename="f.csv")
    assert result.saved and result.problems == []
    assert (result.imported, result.missing, result.areas_created) == (7, 1, 5)
    assert {a.code: a.kind for a in Area.objects.all()}["E12000002"] == "region"
    assert ComparatorValue.objects.get(measure__code="3D", area__code="E06000008").value == D(
        "77.8"
    )
    assert ComparatorValue.objects.get(measure__code="2C", area__code="E06000009").value == D(
        "1234.5"
    )
    run = ImportRun.objects.get()
    assert run.imported_by == priya and run.rows == 7 and "7 figures for 2 measures" in run.summary


def test_importing_the_same_file_again_changes_nothing(measured):
    data = _csv(
        "3D,E10000017,Lancashire,Local authority,2011/12,74.7",
        "3D,E06000009,Blackpool,Local authority,2011/12,72.3",
        "3D,E10000017,Lancashire,Local authority,2010/11,70.0",
    )
    import_comparators(data)
    before = sorted(ComparatorValue.objects.values_list("area__code", "period", "value"))
    again = import_comparators(data)
    assert (again.imported, again.unchanged, again.added, again.replaced) == (3, 3, 0, 0)
    assert again.areas_created == 0
    assert sorted(ComparatorValue.objects.values_list("area__code", "period", "value")) == before
    # A corrected figure for Lancashire in 2011/12 updates that figure only: Blackpool's,
    # not in the file, and Lancashire's 2010/11 are left alone.
    import_comparators(_csv("3D,E10000017,Lancashire,Local authority,2011/12,75.0"))
    assert sorted(
        (code, str(period), value)
        for code, period, value in ComparatorValue.objects.values_list(
            "area__code", "period", "value"
        )
    ) == [
        ("E06000009", "2011/12", D("72.3")),
        ("E10000017", "2010/11", D("70.0")),
        ("E10000017", "2011/12", D("75.0")),
    ]


def test_unknown_codes_are_counted_and_stop_the_import_unless_skipped(measured):
    data = _csv(
        "3D,E10000017,Lancashire,Local authority,2011/12,74.7",
        "1A,E10000017,Lancashire,Local authority,2011/12,19.2",
        "1A,E06000009,Blackpool,Local authority,2011/12,18.5",
        "4B,E10000017,Lancashire,Local authority,2011/12,70.4",
    )
    refused = import_comparators(data)
    assert not refused.saved and ComparatorValue.objects.count() == 0
    assert [(u.code, u.rows, u.lines) for u in refused.unknown] == [
        ("1A", 2, [3, 4]),
        ("4B", 1, [5]),
    ]
    assert str(refused.unknown[0]) == (
        'Measure code "1A" is not mapped to an indicator: 2 rows (lines 3, 4)'
    )
    skipped = import_comparators(data, skip_unknown=True)
    assert skipped.saved and skipped.imported == 1 and skipped.skipped == 3
    assert "3 rows of unknown codes skipped (1A, 4B)" in skipped.summary()


def test_every_problem_is_listed_by_line_and_column_and_nothing_is_saved(measured):
    data = _csv(
        "3D,E10000017,Lancashire,Local authority,2011/12,74.7",
        "3D,E06000009,Blackpool,Unitary-ish,2011/12,72.3",
        "3D,E06000008,Blackburn,Local authority,2011/13,70",
        "3D,E06000007,Warrington,Local authority,2011/12,seventy",
        "3D,E06000006,Halton,Local authority,2011/12,101",
        "3D,E10000017,Lancashire,Local authority,2011/12,74.9",
        "3D,E10000017,Lancashire,Region,2010/11,74.7",
        "3D,E08000001",
        ",E08000002,Bury,Local authority,2011/12,1",
        "3D,,Bury,Local authority,2011/12,NaN",
        "2C,E08000003,Manchester,Local authority,2011/12,-4",
    )
    result = import_comparators(data)
    assert not result.saved
    assert ComparatorValue.objects.count() == 0 and Area.objects.count() == 0
    problems = [str(p) for p in result.problems]
    assert problems[0] == (
        'Line 3, Area type: "Unitary-ish" is not an area type: use England, region or local '
        "authority"
    )
    assert problems[1].startswith('Line 4, Period: "2011/13" is not a period')
    assert problems[2] == 'Line 5, Value: "seventy" is not a number'
    assert problems[3] == "Line 6, Value: A percentage cannot be over 100: 101 was entered. (ASC1)"
    assert problems[4] == "Line 7, Value: 74.9 for 3D, E10000017, 2011/12, but line 2 gives 74.7"
    assert problems[5] == "Line 8, Area type: E10000017 is local authority on line 2"
    assert problems[6] == "Line 9: the row has 2 cells; the header has 6"
    assert problems[7] == "Line 10, Measure code: no measure code"
    assert problems[8] == "Line 11, Area code: no area code"
    assert problems[9] == 'Line 11, Value: "NaN" is not a number'
    assert problems[10].startswith("Line 12, Value: A rate per population figure cannot be neg")
    assert len(problems) == 11


def test_reported_rows_are_left_out_only_when_the_user_says_so(measured):
    data = _csv(
        "3D,E10000017,Lancashire,Local authority,2011/12,74.7",
        "3D,E06000009,Blackpool,Local authority,2011/12,72.3",
        "3D,E06000009,Blackpool,Local authority,2011/12,72.3",
        "3D,E06000008,Blackburn,Local authority,2011/12,77.8",
        "3D,E06000008,Blackburn,Local authority,2011/12,78.8",
        "3D,E08000001,Bolton,Local authority,2011/13,72.4",
        "3D,E08000002,Bury,Local authority,2011/12,seventy",
        "9Z,E08000002,Bury,Local authority,2011/12,1",
    )
    import_comparators(
        _csv(
            "3D,E08000002,Bury,Local authority,2011/12,70",
            "3D,E06000008,Blackburn,Local authority,2011/12,77",
            "3D,E08000003,Manchester,Local authority,2011/12,71",
        )
    )
    earlier = set(ComparatorValue.objects.values_list("area__code", "value"))
    refused = import_comparators(data)
    assert not refused.saved
    assert set(ComparatorValue.objects.values_list("area__code", "value")) == earlier
    # Blackburn's two different figures, Bolton's period, Bury's figure; the exact
    # repeat of Blackpool changes nothing and is not a problem.
    assert (refused.problem_rows, refused.unknown_rows, refused.reported_rows) == (4, 1, 5)
    assert (refused.ready, refused.repeats, refused.conflicts) == (2, 1, 1)
    assert not import_comparators(data, skip_problems=True).saved  # the unknown code still
    stale = import_comparators(data, skip_problems=True, skip_unknown=True, confirmed_skips=4)
    assert not stale.saved
    assert set(ComparatorValue.objects.values_list("area__code", "value")) == earlier
    done = import_comparators(data, skip_problems=True, skip_unknown=True, confirmed_skips=5)
    assert done.saved and (done.imported, done.skipped_problems, done.skipped) == (2, 4, 1)
    # Only the two rows imported are written: Manchester, not in the file, and Blackburn and
    # Bury, whose rows were left out, keep the figures they had.
    assert sorted(ComparatorValue.objects.values_list("area__code", "value")) == [
        ("E06000008", D("77")),
        ("E06000009", D("72.3")),
        ("E08000002", D("70")),
        ("E08000003", D("71")),
        ("E10000017", D("74.7")),
    ]
    assert (done.added, done.replaced, done.unchanged) == (2, 0, 0)
    assert "4 rows with problems skipped" in done.summary()
    assert "1 repeated rows ignored" in done.summary()
    assert ImportRun.objects.latest("pk").skipped == 5
    # A "not available" mark on a row with a problem is not counted as one.
    odd = import_comparators(_csv("3D,E08000004,Rochdale,Local authority,2011/13,.."))
    assert (odd.missing, odd.problem_rows, odd.ready) == (0, 1, 0)


def _twenty_one_councils() -> list[str]:
    """Lancashire and twenty other councils' figures for 3D in 2011/12."""
    rows = ["3D,E10000017,Lancashire,Local authority,2011/12,74.7"]
    rows += [f"3D,E0600{n:04d},Council {n},Local authority,2011/12,{60 + n}" for n in range(20)]
    return rows


def _held() -> dict[str, D]:
    return dict(ComparatorValue.objects.values_list("area__code", "value"))


def test_a_file_of_one_councils_figure_updates_it_and_keeps_every_other(measured):
    import_comparators(_csv(*_twenty_one_councils()))
    before = _held()
    corrected = import_comparators(_csv("3D,E10000017,Lancashire,Local authority,2011/12,75.1"))
    assert corrected.saved and (corrected.added, corrected.replaced) == (0, 1)
    assert _held() == before | {"E10000017": D("75.1")}
    assert ComparatorValue.objects.count() == 21  # updated, not added a second time
    same = import_comparators(_csv("3D,E10000017,Lancashire,Local authority,2011/12,75.1"))
    assert (same.added, same.replaced, same.unchanged) == (0, 0, 1)
    assert "0 new, 0 updated, 1 unchanged" in same.summary()
    # A "not available" mark carries no figure: the figure held is kept, and said so.
    marked = import_comparators(_csv("3D,E10000017,Lancashire,Local authority,2011/12,[c]"))
    assert marked.saved and _held() == before | {"E10000017": D("75.1")}
    assert "1 rows marked not available (1 figure held for them kept)" in marked.summary()


def test_leaving_out_a_bad_row_on_the_upload_page_deletes_no_other_figure(
    client, measured, priya, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    import_comparators(_csv(*_twenty_one_councils()))
    before = _held()
    client.force_login(priya)
    data = _csv(
        "3D,E10000017,Lancashire,Local authority,2011/12,75.1",
        "3D,E06000003,Council 3,Local authority,2011/12,lots",
    )
    page = client.post(
        "/comparators/import/", {"file": SimpleUploadedFile("fix.csv", data, "text/csv")}
    )
    assert "Import 1 row, leaving out 1" in page.text
    assert _held() == before
    done = client.post("/comparators/import/", {"action": "skip"}, follow=True)
    # Council 3's figure, whose row was left out, and the nineteen others not in the file
    # are all still held.
    assert _held() == before | {"E10000017": D("75.1")}
    assert "Imported fix.csv: 1 figures for 1 measure (2011/12)" in done.text
    assert "0 new, 1 updated, 0 unchanged" in done.text
    assert ImportRun.objects.latest("pk").replaced == 1


def test_the_command_leaving_out_a_bad_row_deletes_no_other_figure(measured, tmp_path):
    import_comparators(_csv(*_twenty_one_councils()))
    before = _held()
    fix = tmp_path / "fix.csv"
    fix.write_bytes(
        _csv(
            "3D,E10000017,Lancashire,Local authority,2011/12,75.1",
            "3D,E06000003,Council 3,Local authority,2011/12,lots",
            "3D,E07000001,A new council,Local authority,2011/12,70",
        )
    )
    out, err = StringIO(), StringIO()
    call_command("import_comparators", str(fix), "--skip-problems", stdout=out, stderr=err)
    assert 'Line 3, Value: "lots" is not a number' in err.getvalue()
    assert _held() == before | {"E10000017": D("75.1"), "E07000001": D("70")}
    assert "2 figures for 1 measure (2011/12); 1 new, 1 updated, 0 unchanged" in out.getvalue()


def test_an_area_kept_as_one_type_is_not_silently_retyped(measured):
    import_comparators(_csv("3D,E12000002,North West,Region,2011/12,75.5"))
    result = import_comparators(_csv("3D,E12000002,North West,Local authority,2012/13,75"))
    assert [str(p) for p in result.problems] == [
        "Line 2, Area type: E12000002 (North West) is kept as region, not local authority"
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is empty."),
        (b"PK\x03\x04rest-of-a-workbook", "The file is an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "The file is an Excel workbook"),
        (b"Measure code,\x00\x01\x02", "The file is not text"),
        (b"Measure code,Area code\n\xff\xfe", "The file is not UTF-8 text (byte 24, on line 2,"),
        (
            b"Measure code,Area code,Area name,Area type,Period,Value\n"
            b"3D,E1,Caf\xe9 Town,Local authority,2011/12,1\n",
            "The file is not UTF-8 text (byte 66, on line 2, cannot be read; a file saved as "
            'plain "CSV" by Excel is in Windows encoding)',
        ),
        (b"Code,Area,Value\n1A,E1,3\n", "Missing: measure code, area code, area name"),
        (
            b"Measure code;Area code;Area name;Area type;Period;Value\n",
            "The columns are not separated by commas",
        ),
        (b'Measure code,"Area\n', "The file is not"),
    ],
)
def test_files_that_are_not_a_comparator_csv_are_refused(measured, data, reason):
    with pytest.raises(ImportRefused) as refused:
        import_comparators(data)
    assert str(refused.value).startswith(reason) or reason in str(refused.value)


def test_a_file_over_the_size_limit_is_refused(measured, monkeypatch):
    monkeypatch.setattr("comparators.imports.MAX_BYTES", 100)
    with pytest.raises(ImportRefused, match="over 20 MB"):
        import_comparators(GOOD * 2)


def test_extra_columns_and_a_byte_order_mark_are_fine(measured):
    data = (
        "\ufeffArea name,area_code,Period,Value,Measure code,Area type,Notes\n"
        "Lancashire,E10000017,2011/12,74.7,3D,Local authority,provisional\n"
    ).encode()
    assert import_comparators(data).imported == 1


def _many_rows(councils: int, value: int = 5) -> bytes:
    rows = []
    for number in range(councils):
        for code in ("3D", "2C"):
            for year in ("2010/11", "2011/12", "2012/13"):
                rows.append(
                    f"{code},E0{number:07d},Council {number},Local authority,{year},{value}"
                )
    return _csv(*rows)


def test_the_import_costs_the_same_queries_for_12_and_1200_rows(measured):
    small, large = _many_rows(2), _many_rows(200)
    with CaptureQueriesContext(connection) as few:
        assert import_comparators(small).imported == 12
    with CaptureQueriesContext(connection) as many:
        assert import_comparators(large).imported == 1200
    # Savepoint; measures; their other codes; areas; new areas; the figures held; the new
    # figures; the indicators compared with the measures and the stored scorecard quarters
    # their rankings reach; the record of the import; release.
    assert len(few) == len(many) == IMPORT_QUERIES
    # Every figure corrected: the held ones updated in one statement, no new areas.
    with CaptureQueriesContext(connection) as corrected:
        result = import_comparators(_many_rows(200, value=6))
    assert (result.added, result.replaced) == (0, 1200) and len(corrected) == IMPORT_QUERIES - 1
    assert set(ComparatorValue.objects.values_list("value", flat=True)) == {D(6)}


IMPORT_QUERIES = 11


def test_the_command_imports_and_reports_problems(measured, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD.replace(b"1,234.5", b"1234.5"))
    out = StringIO()
    call_command("import_comparators", str(good), stdout=out)
    assert "Imported good.csv: 7 figures for 2 measures (2011/12)" in out.getvalue()
    unknown = tmp_path / "unknown.csv"
    unknown.write_bytes(_csv("ZZ,E10000017,Lancashire,Local authority,2011/12,1"))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_comparators", str(unknown), stderr=err)
    assert 'Measure code "ZZ" is not mapped to an indicator: 1 row (line 2)' in err.getvalue()
    out = StringIO()
    call_command("import_comparators", str(unknown), "--skip-unknown", stdout=out)
    assert "1 rows of unknown codes skipped (ZZ)" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        _csv(
            "3D,E10000017,Lancashire,Local authority,2012/13,74.7",
            "3D,E06000009,Blackpool,Local authority,2012/13,lots",
        )
    )
    err = StringIO()
    with pytest.raises(CommandError, match="use --skip-problems to import the other rows"):
        call_command("import_comparators", str(bad), stderr=err)
    assert 'Line 3, Value: "lots" is not a number' in err.getvalue()
    out, err = StringIO(), StringIO()
    call_command("import_comparators", str(bad), "--skip-problems", stdout=out, stderr=err)
    assert 'Line 3, Value: "lots" is not a number' in err.getvalue()
    assert "1 figures for 1 measure (2012/13)" in out.getvalue()
    assert "1 rows with problems skipped" in out.getvalue()
    with pytest.raises(CommandError, match="is an Excel workbook"):
        (tmp_path / "book.csv").write_bytes(b"PK\x03\x04...")
        call_command("import_comparators", str(tmp_path / "book.csv"))


# Pages ----------------------------------------------------------------------------------------


@pytest.fixture
def north_west(measured):
    """Lancashire among four North West councils, with the published regional figure."""
    survey, delays = measured
    import_comparators(
        _csv(
            "3D,E10000017,Lancashire,Local authority,2011/12,74.7",
            "3D,E06000008,Blackburn,Local authority,2011/12,77.8",
            "3D,E06000009,Blackpool,Local authority,2011/12,72.3",
            "3D,E08000001,Bolton,Local authority,2011/12,72.4",
            "3D,E08000002,Bury,Local authority,2011/12,..",
            "3D,E12000002,North West,Region,2011/12,73.0",
            "3D,E92000001,England,England,2011/12,73.8",
            "3D,E10000017,Lancashire,Local authority,2010/11,60",
        )
    )
    services.set_council(Area.objects.get(code="E10000017"))
    services.save_group(
        name="North West",
        kind="region",
        members=list(Area.objects.filter(kind="local_authority")),
        published_area=Area.objects.get(code="E12000002"),
        published_note="The published figure is weighted by respondents.",
        order=1,
    )
    services.save_group(
        name="England",
        kind="england",
        members=[],
        published_area=Area.objects.get(code="E92000001"),
    )
    return survey


def test_the_indicator_page_shows_rank_quartile_and_averages_with_their_period(client, north_west):
    html = client.get(f"/indicators/{north_west.reference}/").text
    assert "Compared with other councils" in html
    assert "From the imported national figures for 2011/12: Lancashire 74.7%" in html
    # Mean of 77.8, 72.3, 72.4 and 74.7 is 74.3, not the published 73.0.
    assert (
        "North West: 2nd of 4, 2nd quartile, published average 73.0%; mean of the 4 councils "
        "74.3% (2011/12)" in html
    )
    assert "The published figure is weighted by respondents." in html
    assert "No figure for 1 of the 5 councils: Bury." in html
    assert "England: average 73.8% (2011/12)" in html


def test_the_scorecard_gives_each_indicator_its_standing_in_a_column(client, north_west):
    rated_indicator(
        lambda **fields: north_west,
        figures=[("Q3 2017/18", "75.0")],
    )
    html = client.get("/scorecard/").text
    assert "Among other councils" in html
    assert "North West: 2nd of 4, 2nd quartile (2011/12)" in html


def test_the_scorecard_exports_carry_the_standing_column(client, north_west, make_indicator):
    rated_indicator(lambda **fields: north_west, figures=[("Q3 2017/18", "75.0")])
    uncompared = rated_indicator(make_indicator, figures=[("Q3 2017/18", "12.0")])
    text = client.get("/scorecard/export.csv").content.decode("utf-8-sig")
    records = list(csv.reader(StringIO(text)))
    header, rows = records[0], {record[1]: record for record in records[1:]}
    at = header.index("Among other councils")
    assert at == len(header) - 1
    assert rows[north_west.reference][at] == (
        "England: average 73.8% (2011/12); North West: 2nd of 4, 2nd quartile (2011/12)"
    )
    assert rows[uncompared.reference][at] == "-"

    book = load_workbook(BytesIO(client.get("/scorecard/export.xlsx").content))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Among other councils")
    cells = {row[1].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert cells[north_west.reference] == rows[north_west.reference][at]


def test_the_scorecard_exports_have_no_standing_column_without_comparator_data(
    client, make_indicator
):
    rated_indicator(make_indicator, figures=[("Q3 2017/18", "12.0")])
    text = client.get("/scorecard/export.csv").content.decode("utf-8-sig")
    assert "Among other councils" not in text and "12.0" in text


def test_the_scorecard_costs_the_same_queries_with_3_and_30_compared_indicators(
    client, make_indicator, priya
):
    from django.test.utils import CaptureQueriesContext

    def build(start: int, how_many: int) -> None:
        rows = []
        for number in range(start, start + how_many):
            indicator = rated_indicator(make_indicator, figures=[("Q3 2017/18", "50")])
            services.save_measure(code=f"M{number}", indicator=indicator)
            for council in range(5):
                rows.append(
                    f"M{number},E0{council},Council {council},Local authority,2016/17,{council}"
                )
        import_comparators(_csv(*rows))
        services.set_council(Area.objects.get(code="E00"))
        services.save_group(
            name="Neighbours", kind="statistical_neighbours", members=list(Area.objects.all())
        )

    build(0, 3)
    with CaptureQueriesContext(connection) as few:
        html = client.get("/scorecard/").text
    assert "Neighbours: 5th of 5, 4th quartile (2016/17)" in html
    build(3, 27)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/scorecard/").text
    assert html.count("Neighbours: 5th of 5, 4th quartile (2016/17)") == 30
    assert len(few) == len(many)


def test_only_the_performance_team_imports(client, measured, priya, alice, martin):
    for user in (alice, martin):
        client.force_login(user)
        assert client.get("/comparators/import/").status_code == 403
        assert client.post("/comparators/import/", {}).status_code == 403
    client.logout()
    assert client.get("/comparators/import/").status_code == 302
    client.force_login(priya)
    page = client.get("/comparators/import/")
    assert page.status_code == 200 and "Measure code, Area code, Area name" in page.text


def test_the_upload_page_lists_unknown_codes_then_imports_when_told_to_skip(
    client, measured, priya
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(priya)
    data = _csv(
        "3D,E10000017,Lancashire,Local authority,2011/12,74.7",
        "9Z,E10000017,Lancashire,Local authority,2011/12,1",
    )
    page = client.post(
        "/comparators/import/", {"file": SimpleUploadedFile("nw.csv", data, "text/csv")}
    )
    assert page.status_code == 200
    assert "The file was not imported: nothing was saved" in page.text
    assert "Measure code &quot;9Z&quot; is not mapped to an indicator: 1 row (line 3)" in page.text
    assert 'href="/comparators/measures/new/?code=9Z"' in page.text
    assert ComparatorValue.objects.count() == 0
    assert "Import the rest of nw.csv?" in page.text
    assert "Import 1 row, leaving out 1" in page.text
    done = client.post("/comparators/import/", {"action": "skip"}, follow=True)
    assert "Imported nw.csv: 1 figures for 1 measure (2011/12)" in done.text
    assert "1 rows of unknown codes skipped (9Z)" in done.text
    assert ComparatorValue.objects.count() == 1
    again = client.post("/comparators/import/", {"action": "skip"}, follow=True)
    assert "The uploaded file is no longer waiting: upload it again." in again.text
    bad = client.post(
        "/comparators/import/",
        {"file": SimpleUploadedFile("nw.csv", _csv("3D,E1,X,Parish,2011/12,1"), "text/csv")},
    )
    assert "Line 2, Area type: &quot;Parish&quot; is not an area type" in bad.text
    workbook = client.post(
        "/comparators/import/",
        {"file": SimpleUploadedFile("nw.csv", b"PK\x03\x04xx", "text/csv")},
    )
    assert "The file is an Excel workbook" in workbook.text


def test_leaving_out_rows_needs_the_same_report_and_cancel_deletes_the_file(
    client, measured, priya, settings, tmp_path, make_indicator
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(priya)
    data = _csv(
        "3D,E10000017,Lancashire,Local authority,2011/12,74.7",
        "9Z,E10000017,Lancashire,Local authority,2011/12,1",
        "3D,E06000009,Blackpool,Local authority,2011/12,high",
    )
    page = client.post(
        "/comparators/import/", {"file": SimpleUploadedFile("nw.csv", data, "text/csv")}
    )
    assert "Import 1 row, leaving out 2" in page.text
    (waiting,) = (tmp_path / "imports").glob("*.csv")
    assert waiting.read_bytes() == data and waiting.stat().st_mode & 0o777 == 0o600
    # 9Z is mapped before the team confirms: the report is not the one they agreed to.
    services.save_measure(code="9Z", indicator=make_indicator(frequency="annual"))
    changed = client.post("/comparators/import/", {"action": "skip"})
    assert "The check now reports 1 rows to leave out, not 2. Nothing was imported" in changed.text
    assert "Import 2 rows, leaving out 1" in changed.text
    assert ComparatorValue.objects.count() == 0
    client.post("/comparators/import/", {"action": "cancel"})
    assert not list((tmp_path / "imports").glob("*.csv"))
    assert ComparatorValue.objects.count() == 0
    assert "Import the rest" not in client.get("/comparators/import/").text


def test_the_team_maps_codes_keeps_groups_and_chooses_the_council(client, north_west, priya):
    client.force_login(priya)
    new = client.post(
        "/comparators/measures/new/", {"code": "1A", "name": "Quality of life", "indicator": ""}
    )
    assert "There is a problem" in new.text
    from indicators.models import Indicator

    other = Indicator.objects.get(reference="DTOC")
    make_other = client.post(
        "/comparators/measures/new/",
        {"code": "3D", "name": "Again", "indicator": other.pk},
    )
    assert "Measure with this Code already exists." in make_other.text
    group = ComparatorGroup.objects.get(name="North West")
    blackpool = Area.objects.get(code="E06000009")
    saved = client.post(
        f"/comparators/groups/{group.pk}/",
        {"name": "North West", "kind": "region", "order": 1, "members": [blackpool.pk]},
    )
    assert saved.status_code == 302
    assert list(group.members.all()) == [blackpool]
    client.post("/comparators/", {"council": blackpool.pk})
    assert Area.objects.get(is_council=True) == blackpool
    index = client.get("/comparators/").text
    assert "North West" in index and "3D" in index and "Blackpool" in index


# The demo: seed 000's North West table --------------------------------------------------------


def test_the_demo_plan_table_is_generated_from_the_imported_figures_as_printed(
    client, demo_council
):
    from demo.council import load_demo
    from recovery_plans.models import RecoveryPlan
    from reporting.plans import plan_context, plan_queryset

    load_demo(meetings=False)  # a second load changes nothing
    assert ComparatorValue.objects.count() == 75
    plan = plan_queryset().get(indicators__reference="CS13-05")
    context = plan_context(plan)
    generated = context["comparative_generated"]
    # The printed table, typed into the plan, is reproduced row for row from the data.
    assert generated.as_dict() == plan.comparative_table
    assert generated.rows[-3] == ["North West Average", "18.9", "75.5%", "73.0%"]
    assert generated.rows[-1] == ["Lancashire 2012/13", "19.0", "73.1%", "71.8%"]
    # The quality of life mean rounds to the published 18.9; the other two do not.
    assert [note.split(":")[0] for note in generated.notes] == [
        "Proportion of people who use services and carers who find it easy to find "
        "information about services",
        "Proportion of people who use services who say that those services have made them "
        "feel safe and secure",
    ]
    assert (
        "North West published average 75.5%; mean of the 23 councils 75.9% — "
        in (generated.notes[0])
    )
    assert "mean of the 23 councils 74.5%" in generated.notes[1]
    client.force_login(plan.owner)
    html = client.get(f"/recovery-plans/{plan.pk}/").text
    assert "From the imported national figures for 2011/12" in html
    assert "larger councils count for more" in html
    page = client.get("/indicators/CS13-06/").text
    assert (
        "North West: 16th of 23, 3rd quartile, published average 75.5%; mean of the 23 "
        "councils 75.9% (2011/12)" in page
    )
    page = client.get("/indicators/CS13-05/").text
    assert "North West: 5th of 23, 1st quartile, average 18.9 (2011/12)" in page
    assert "England: average 18.7 (2011/12)" in page
    # Without imported figures the typed table stands.
    ComparatorValue.objects.all().delete()
    context = plan_context(plan_queryset().get(pk=plan.pk))
    assert context["comparative_generated"] is None
    assert context["comparative_table"] == RecoveryPlan.objects.get(pk=plan.pk).comparative_table


def test_an_import_racing_another_is_refused_and_saves_nothing(measured, monkeypatch):
    from comparators import imports

    inserted = imports.insert

    def another_import_first(model, fields, rows, **kwargs):
        # The other import commits the same figures between this one's delete and insert.
        inserted(model, fields, rows[:1], **kwargs)
        inserted(model, fields, rows, **kwargs)

    monkeypatch.setattr(imports, "insert", another_import_first)
    with pytest.raises(ImportRefused, match="imported by someone else at the same time"):
        import_comparators(_csv("3D,E10000017,Lancashire,Local authority,2011/12,74.7"))
    assert ComparatorValue.objects.count() == 0 and ImportRun.objects.count() == 0
    assert not Area.objects.exists()
