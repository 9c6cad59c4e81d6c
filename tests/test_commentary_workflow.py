"""Commentary follows its figure through the return: drafted, submitted, returned, signed
off and published with it, and never shown to members or the public before its figure's
revision is published. Each attack is made as an officer would make it: the return form,
the return workbook, the catalogue workbook."""

import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from indicators.models import Value
from indicators.periods import parse_period
from indicators.services import record_value, write_commentary
from meetings.models import Appendix
from reporting.appendices import render_generated
from tests.factories import agenda

Q3 = parse_period("Q3 2017/18")
FORM = "/returns/2017-18/Q3/"
REVIEW = "/returns/2017-18/Q3/review/"
WORKBOOK = "/returns/2017-18/Q3/workbook.xlsx"
UPLOAD = "/returns/2017-18/Q3/upload/"


class _Text(HTMLParser):
    """The text a reader sees, without scripts and styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def seen(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def published(make_indicator, alice):
    """A Q3 figure published with its commentary, as a committee saw it."""
    indicator = make_indicator(owner=alice, reference="SW02", title="Contacts to referral")
    record_value(indicator=indicator, period=Q3, value=Decimal("29.6"))
    write_commentary(indicator=indicator, period=Q3, issues="Referrals fell in the quarter.")
    return indicator


def public_page(client, indicator) -> str:
    client.logout()
    response = client.get(f"/indicators/{indicator.reference}/")
    assert response.status_code == 200
    return seen(response.text)


def line_form(client, **fields) -> dict:
    """The return form's first line as the browser posts it, with these fields changed."""
    page = client.get(FORM)
    form = page.context["rows"][0]["form"]
    data = {f"l0-{name}": form.initial.get(name, "") for name in form.fields}
    data.update({f"l0-{name}": value for name, value in fields.items()})
    return {k: ("" if v is None else v) for k, v in data.items()}


def post_line(client, submit=False, **fields):
    data = line_form(client, **fields)
    if submit:
        data["confirm"] = "1"
    response = client.post(FORM, data)
    assert response.status_code == 302, seen(response.text)[:2000]
    return response


def sign_off_and_publish(client, priya, indicator):
    client.force_login(priya)
    key = f"{indicator.pk}-{Q3.key}"
    assert client.post(REVIEW, {"action": "sign_off", "line": key}).status_code == 302
    assert client.post(REVIEW, {"action": "publish", "confirm": "yes"}).status_code == 302


def appendix_text(quarter=Q3) -> str:
    report = agenda().items.get(kind="report").report
    appendix = Appendix.objects.create(
        report=report, letter="A", title="Performance", kind="performance", quarter=quarter
    )
    return seen(render_generated(appendix)[0])


def test_commentary_saved_with_an_unchanged_figure_waits_for_sign_off(
    client, published, alice, priya
):
    client.force_login(alice)
    post_line(client, issues="Defaced before sign-off.")
    assert "Defaced before sign-off." not in public_page(client, published)
    assert "Referrals fell in the quarter." in public_page(client, published)
    assert "Defaced before sign-off." not in appendix_text()
    # The officer sees what they wrote on their return.
    client.force_login(alice)
    assert client.get(FORM).context["rows"][0]["form"].initial["issues"] == (
        "Defaced before sign-off."
    )
    # Submitted, then signed off and published, it replaces the old commentary; the figure
    # did not change, so it is not printed "revised".
    post_line(client, submit=True)
    assert "Defaced before sign-off." not in public_page(client, published)
    sign_off_and_publish(client, priya, published)
    page = public_page(client, published)
    assert "Defaced before sign-off." in page
    assert "Referrals fell in the quarter." not in page
    assert "revised" not in page
    assert "Defaced before sign-off." in appendix_text()


def test_commentary_with_a_correction_in_draft_is_not_shown(client, published, alice, priya):
    client.force_login(alice)
    post_line(client, value="31.2%", issues="The corrected figure explained.")
    page = public_page(client, published)
    assert "The corrected figure explained." not in page
    assert "29.6%" in page and "31.2%" not in page
    assert "The corrected figure explained." not in appendix_text()
    client.force_login(alice)
    post_line(client, submit=True)
    sign_off_and_publish(client, priya, published)
    page = public_page(client, published)
    assert "The corrected figure explained." in page
    assert "31.2% (revised)" in page


def test_a_new_figures_commentary_is_shown_only_once_published(
    client, make_indicator, alice, priya
):
    indicator = make_indicator(owner=alice, reference="SW03")
    client.force_login(alice)
    post_line(client, value="12", issues="First words.", submit=True)
    assert "First words." not in public_page(client, indicator)
    assert "First words." not in appendix_text()
    sign_off_and_publish(client, priya, indicator)
    assert "First words." in public_page(client, indicator)


def test_a_returned_figure_keeps_its_commentary_unpublished(client, published, alice, priya):
    client.force_login(alice)
    post_line(client, value="31.2%", issues="Needs checking.", submit=True)
    client.force_login(priya)
    key = f"{published.pk}-{Q3.key}"
    client.post(REVIEW, {"action": "return", "line_key": key, "reason": "Check the source."})
    assert Value.objects.current().get(indicator=published).state == "returned"
    assert "Needs checking." not in public_page(client, published)
    client.force_login(alice)
    assert client.get(FORM).context["rows"][0]["form"].initial["issues"] == "Needs checking."


def test_signing_off_a_figure_signs_off_its_commentary_changed_after(
    client, published, alice, priya
):
    """A commentary changed by the team after sign-off is not published unseen: saving it
    puts the line back to draft, to be submitted and signed off again."""
    client.force_login(alice)
    post_line(client, value="31.2%", issues="Signed-off words.", submit=True)
    client.force_login(priya)
    client.post(REVIEW, {"action": "sign_off", "line": f"{published.pk}-{Q3.key}"})
    post_line(client, issues="Changed after sign-off.")
    assert Value.objects.current().get(indicator=published).state == "draft"
    assert client.post(REVIEW, {"action": "publish", "confirm": "yes"}).status_code == 302
    assert "Changed after sign-off." not in public_page(client, published)


def _workbook(client, **cells) -> bytes:
    book = load_workbook(io.BytesIO(client.get(WORKBOOK).content))
    sheet = book[book.sheetnames[-1]]
    for cell, value in cells.items():
        sheet[cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_commentary_imported_from_the_return_workbook_waits_for_sign_off(
    client, published, alice, priya
):
    client.force_login(alice)
    data = _workbook(client, J2="Imported before sign-off.")
    upload = io.BytesIO(data)
    upload.name = "return.xlsx"
    response = client.post(UPLOAD, {"workbook": upload})
    assert response.status_code == 302
    assert "Imported before sign-off." not in public_page(client, published)
    assert "Referrals fell in the quarter." in public_page(client, published)
    client.force_login(alice)
    post_line(client, submit=True)
    sign_off_and_publish(client, priya, published)
    assert "Imported before sign-off." in public_page(client, published)
    assert "revised" not in public_page(client, published)


def test_a_save_made_while_a_workbook_is_imported_stops_the_import(
    client, published, alice, monkeypatch
):
    """The import checks the figures it read, locked, in its transaction: a save made in
    between (here, just after the import read them) stops it, with nothing saved."""
    from returns import workbook as imports

    client.force_login(alice)
    data = _workbook(client, G2="30.1%", J2="From the workbook.")
    real = imports.current_rows

    def read_then_someone_saves(keys):
        held = real(keys)
        from returns.workflow import Entry, save_entry

        save_entry(
            indicator=published,
            period=Q3,
            entry=Entry(Decimal("33.3"), issues="Saved in the form meanwhile."),
            by=alice,
        )
        return held

    monkeypatch.setattr(imports, "current_rows", read_then_someone_saves)
    upload = io.BytesIO(data)
    upload.name = "return.xlsx"
    response = client.post(UPLOAD, {"workbook": upload})
    assert response.status_code == 200
    text = seen(response.text)
    assert "saved by someone else while this workbook was being imported" in text
    current = Value.objects.current().get(indicator=published)
    assert current.value == Decimal("33.3")
    assert current.commentary.issues == "Saved in the form meanwhile."


def test_a_line_started_while_a_workbook_is_imported_stops_the_import(
    client, make_indicator, alice, monkeypatch
):
    """A figure saved meanwhile on a line not started was a 500 (one current figure per
    period); it stops the import with the same message."""
    from returns import workbook as imports

    indicator = make_indicator(owner=alice, reference="SW04")
    client.force_login(alice)
    data = _workbook(client, G2="12", J2="From the workbook.")
    real = imports.current_rows

    def read_then_someone_saves(keys):
        held = real(keys)
        from returns.workflow import Entry, save_entry

        save_entry(indicator=indicator, period=Q3, entry=Entry(Decimal("13")), by=alice)
        return held

    monkeypatch.setattr(imports, "current_rows", read_then_someone_saves)
    upload = io.BytesIO(data)
    upload.name = "return.xlsx"
    response = client.post(UPLOAD, {"workbook": upload})
    assert response.status_code == 200
    assert "saved by someone else while this workbook was being imported" in seen(response.text)
    assert [v.value for v in Value.objects.filter(indicator=indicator)] == [Decimal("13")]


def test_a_draft_and_its_commentary_are_changed_by_a_workbook(client, make_indicator, alice):
    """The import compares the figures it read with those it locks, not with its own
    changes: a draft changed by the workbook is not taken for someone else's save."""
    indicator = make_indicator(owner=alice, reference="SW05")
    client.force_login(alice)
    post_line(client, value="12", issues="Typed in the form.")
    upload = io.BytesIO(_workbook(client, G2="14", J2="Typed in Excel."))
    upload.name = "return.xlsx"
    response = client.post(UPLOAD, {"workbook": upload})
    assert response.status_code == 302
    current = Value.objects.current().get(indicator=indicator)
    assert (current.value, current.state, current.version) == (Decimal("14"), "draft", 2)
    assert current.commentary.issues == "Typed in Excel."


def test_the_message_counts_only_the_lines_that_changed(client, published, make_indicator, alice):
    """A published figure posted back unchanged is not "submitted" again."""
    make_indicator(owner=alice, reference="SW06")
    client.force_login(alice)
    data = line_form(client)
    data.update({"l1-value": "7", "l1-status": "final", "confirm": "1"})
    response = client.post(FORM, data, follow=True)
    text = seen(response.content.decode())
    assert "figure submitted" in text or "figures submitted" in text, text[:3000]
    assert "1 figure submitted." in text
    # Posted again as it is, nothing is counted.
    response = client.post(FORM, line_form(client), follow=True)
    assert "Nothing had changed, so nothing was saved." in seen(response.content.decode())
