"""An uploaded appendix PDF: anything a reader would run, open or carry is refused, and
what is stored and served is a rewritten copy of its pages, never the uploaded bytes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from meetings.models import Appendix
from tests.factories import agenda, pdf_bytes


def N(text):  # noqa: N802 - reads as the PDF name it makes
    return NameObject(text)


def _link(writer, action) -> None:
    link = DictionaryObject(
        {
            N("/Type"): N("/Annot"),
            N("/Subtype"): N("/Link"),
            N("/Rect"): ArrayObject([NumberObject(n) for n in (50, 50, 200, 100)]),
            N("/A"): action,
        }
    )
    writer.pages[0][N("/Annots")] = ArrayObject([writer._add_object(link)])


def _malicious(kind: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes("A letter")))
    if kind == "indirect launch":
        # The action's /S is itself an indirect object.
        launch = writer._add_object(N("/Launch"))
        action = DictionaryObject({N("/S"): launch, N("/F"): TextStringObject("calc.exe")})
        writer._root_object[N("/OpenAction")] = writer._add_object(action)
    elif kind == "indirect submit":
        action = DictionaryObject(
            {N("/S"): writer._add_object(N("/SubmitForm")), N("/F"): TextStringObject("x")}
        )
        _link(writer, writer._add_object(action))
    elif kind == "UNC GoToR":
        action = DictionaryObject(
            {N("/S"): N("/GoToR"), N("/F"): TextStringObject(r"\\attacker\share\x.pdf")}
        )
        _link(writer, action)
    elif kind == "GoToE":
        _link(writer, DictionaryObject({N("/S"): N("/GoToE"), N("/NewWindow"): NumberObject(1)}))
    elif kind == "XFA":
        writer._root_object[N("/AcroForm")] = DictionaryObject(
            {N("/Fields"): ArrayObject(), N("/XFA"): writer._add_object(DictionaryObject())}
        )
    elif kind == "embedded file":
        writer.add_attachment("run.exe", b"MZ payload")
    elif kind == "page /AA":
        open_action = DictionaryObject({N("/S"): N("/GoTo"), N("/D"): ArrayObject()})
        writer.pages[0][N("/AA")] = DictionaryObject({N("/O"): open_action})
    elif kind == "indirect javascript: URI":
        uri = writer._add_object(TextStringObject("javascript:app.alert(1)"))
        _link(writer, DictionaryObject({N("/S"): N("/URI"), N("/URI"): uri}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _upload(client, clara, content: bytes):
    meeting = agenda()
    item = meeting.items.get(kind="report")
    client.force_login(clara)
    response = client.post(
        reverse("meetings:appendix_create", args=[meeting.pk, item.number]),
        {
            "letter": "A",
            "title": "Letter",
            "kind": "upload",
            "file": SimpleUploadedFile("letter.pdf", content, content_type="application/pdf"),
        },
    )
    return meeting, item, response


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("indirect launch", "a Launch action"),
        ("indirect submit", "a SubmitForm action"),
        ("UNC GoToR", "a GoToR action"),
        ("GoToE", "a GoToE action"),
        ("XFA", "an XFA form"),
        ("embedded file", "an embedded file"),
        ("page /AA", "an action run when a page or field is opened or closed"),
        ("indirect javascript: URI", "a link to &quot;javascript:app.alert(1)&quot;"),
    ],
)
def test_an_appendix_with_active_content_is_refused_on_the_upload_page(
    client, clara, kind, message
):
    _meeting, _item, response = _upload(client, clara, _malicious(kind))
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text, text[text.find("govuk-error-summary") :][:600]
    assert "print it to PDF again" in text
    assert not Appendix.objects.exists()


def test_an_appendix_of_too_many_pages_is_refused(client, clara):
    writer = PdfWriter()
    for _ in range(501):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    _meeting, _item, response = _upload(client, clara, out.getvalue())
    assert "has 501 pages; an appendix can have at most 500" in response.content.decode()
    assert not Appendix.objects.exists()


def test_a_clean_appendix_is_stored_and_served_as_a_rewritten_copy(client, clara):
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes("Ofsted letter one", "Page two")))
    _link(
        writer,
        DictionaryObject(
            {N("/S"): N("/URI"), N("/URI"): TextStringObject("https://www.lancashire.gov.uk/")}
        ),
    )
    writer.add_metadata({"/Title": "Uploaded title"})
    out = io.BytesIO()
    writer.write(out)
    upload = out.getvalue()
    meeting, item, response = _upload(client, clara, upload)
    assert response.status_code == 302
    appendix = Appendix.objects.get()
    assert appendix.page_count == 2
    served = b"".join(
        client.get(
            reverse("meetings:appendix_file", args=[meeting.pk, item.number, "A"])
        ).streaming_content
    )
    assert served != upload
    with appendix.file.open("rb") as stored:
        assert stored.read() == served
    reader = PdfReader(io.BytesIO(served))
    assert [page.extract_text().strip() for page in reader.pages] == [
        "Ofsted letter one",
        "Page two",
    ]
    link = reader.pages[0]["/Annots"][0].get_object()
    assert link["/A"]["/URI"] == "https://www.lancashire.gov.uk/"
    assert "/Title" not in (reader.metadata or {})
