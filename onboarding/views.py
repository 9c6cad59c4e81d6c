"""The catalogue pages (performance team): template and export downloads, upload, a dry-run
preview, then the import. The uploaded file waits between the two steps as a
PendingUpload (operations.pending_uploads)."""

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from indicators.roles import is_performance_team
from onboarding.catalogue import build_catalogue_workbook, export_catalogue, import_catalogue
from operations.pending_uploads import PendingUpload
from spreadsheets.uploads import ImportRefused
from spreadsheets.workbooks import MAX_BYTES, XLSX

PENDING = PendingUpload("catalogue_upload", ".xlsx")


def _require_team(user) -> None:
    if not is_performance_team(user):
        raise PermissionDenied("The catalogue is for the performance team.")


def _workbook_response(book, name: str) -> HttpResponse:
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def template(request):
    _require_team(request.user)
    return _workbook_response(build_catalogue_workbook(), "catalogue-template.xlsx")


@login_required
def export(request):
    _require_team(request.user)
    return _workbook_response(export_catalogue(), "catalogue.xlsx")


class CatalogueForm(forms.Form):
    """A catalogue workbook to check before importing."""

    workbook = forms.FileField(label="Catalogue workbook (.xlsx, at most 10 MB)")
    create_owners = forms.BooleanField(
        required=False,
        label="Create accounts for owners whose e-mail is not known (inactive, as officers)",
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _require_team(request.user)
    form = CatalogueForm(request.POST or None, request.FILES or None)
    result, refused = None, ""
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["workbook"]
        create_owners = form.cleaned_data["create_owners"]
        if uploaded.size > MAX_BYTES:
            refused = "The file is over 10 MB; a catalogue workbook is far smaller."
        else:
            data = uploaded.read()
            try:
                result = import_catalogue(
                    data, by=request.user, dry_run=True, create_owners=create_owners
                )
            except ImportRefused as error:
                refused = str(error)
            if result is not None and not result.problems:
                PENDING.store(request, data, name=uploaded.name, create_owners=create_owners)
                return redirect("returns:catalogue_preview")
    return render(
        request,
        "returns/catalogue.html",
        {"form": form, "result": result, "refused": refused, "nav": "returns"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def preview(request):
    _require_team(request.user)
    path, pending = PENDING.get(request)
    if path is None:
        return render(request, "returns/catalogue_preview.html", {"nav": "returns"})
    if request.method == "POST" and request.POST.get("action") == "cancel":
        PENDING.discard(request)
        messages.success(request, "Nothing was imported; the uploaded workbook is deleted.")
        return redirect("returns:catalogue")
    dry_run = not (request.method == "POST" and request.POST.get("action") == "import")
    try:
        result = import_catalogue(
            path.read_bytes(),
            by=request.user,
            dry_run=dry_run,
            create_owners=pending["create_owners"],
        )
    except ImportRefused as error:
        PENDING.discard(request)
        messages.error(request, str(error))
        return redirect("returns:catalogue")
    if not dry_run and not result.problems:
        PENDING.discard(request)
        messages.success(request, f"Imported {pending['name']}. {result.summary()}")
        return redirect("returns:catalogue")
    return render(
        request,
        "returns/catalogue_preview.html",
        {
            "result": result,
            "name": pending["name"],
            "created": [p for p in result.indicators if p.action == "created"],
            "changed": [p for p in result.indicators if p.action == "changed"],
            "unchanged": [p for p in result.indicators if p.action == "unchanged"],
            "nav": "returns",
        },
    )
