"""The performance team's pages: import comparator figures, map measure codes to
indicators, keep the comparator groups and say which area is the council."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from comparators import services
from comparators.forms import CouncilForm, GroupForm, MeasureForm, UploadForm
from comparators.imports import MAX_BYTES, import_comparators
from comparators.models import Area, ComparatorGroup, ImportRun, Measure
from indicators.roles import is_performance_team
from operations.pending_uploads import PendingUpload
from spreadsheets.uploads import ImportRefused

PROBLEMS_SHOWN = 200
PENDING = PendingUpload("comparators_upload", ".csv")


def _require_team(user) -> None:
    if not is_performance_team(user):
        raise PermissionDenied("National comparators are kept by the performance team.")


@login_required
def index(request):
    """Groups, measure mappings, the council and the latest imports."""
    _require_team(request.user)
    council = Area.objects.filter(is_council=True).first()
    form = CouncilForm(request.POST or None, initial={"council": council})
    if request.method == "POST" and form.is_valid():
        services.set_council(form.cleaned_data["council"])
        messages.success(request, f"{form.cleaned_data['council']} is now this council.")
        return redirect("comparators:index")
    return render(
        request,
        "comparators/index.html",
        {
            "form": form,
            "council": council,
            "groups": ComparatorGroup.objects.select_related("published_area").annotate(
                size=Count("members")
            ),
            "measures": Measure.objects.select_related("indicator")
            .prefetch_related("other_codes")
            .annotate(figures=Count("values")),
            "runs": ImportRun.objects.select_related("imported_by")[:10],
            "nav": "scorecard",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload a CSV of comparator figures. Every row is checked first: a clean file is
    imported at once; otherwise every problem and unknown code is listed, nothing is saved,
    and the file waits for the team to leave out the reported rows, or to cancel."""
    _require_team(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "cancel":
        PENDING.discard(request)
        messages.success(request, "Nothing was imported; the uploaded file is deleted.")
        return redirect("comparators:upload")
    if action == "skip":
        return _import_skipping(request)
    result, refused = None, ""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        if file.size > MAX_BYTES:
            refused = "The file is over 20 MB; split it by measure or period."
        else:
            data = file.read()
            try:
                result = import_comparators(data, by=request.user, filename=file.name)
            except ImportRefused as error:
                refused = str(error)
            if result is not None and result.saved:
                PENDING.discard(request)
                messages.success(request, f"Imported {result.summary()}")
                return redirect("comparators:index")
            if result is not None and result.ready:
                PENDING.store(request, data, name=file.name, skips=result.reported_rows)
            else:
                PENDING.discard(request)
    return _upload_page(request, form, result, refused)


def _import_skipping(request):
    """Import the waiting file without the rows reported, if the check still reports
    exactly the rows the user agreed to leave out."""
    path, pending = PENDING.get(request)
    if path is None:
        messages.error(request, "The uploaded file is no longer waiting: upload it again.")
        return redirect("comparators:upload")
    try:
        result = import_comparators(
            path.read_bytes(),
            by=request.user,
            skip_unknown=True,
            skip_problems=True,
            confirmed_skips=pending["skips"],
            filename=pending["name"],
        )
    except ImportRefused as error:
        PENDING.discard(request)
        messages.error(request, str(error))
        return redirect("comparators:upload")
    if result.saved:
        PENDING.discard(request)
        messages.success(request, f"Imported {pending['name']}: {result.summary()}")
        return redirect("comparators:index")
    # Codes were mapped (or groups changed) since the check: show the new report.
    changed = (
        f"The check now reports {result.reported_rows} rows to leave out, not "
        f"{pending['skips']}. Nothing was imported: look at the rows again."
    )
    if result.ready:  # the same file waits, for the rows now reported
        pending["skips"] = result.reported_rows
        request.session[PENDING.session_key] = pending
    else:
        PENDING.discard(request)
    return _upload_page(request, UploadForm(), result, "", changed=changed)


def _upload_page(request, form, result, refused, changed=""):
    problems = result.problems if result else []
    path, pending = PENDING.get(request)
    return render(
        request,
        "comparators/upload.html",
        {
            "form": form,
            "result": result,
            "refused": refused,
            "changed": changed,
            "problems": problems[:PROBLEMS_SHOWN],
            "more_problems": max(0, len(problems) - PROBLEMS_SHOWN),
            "waiting": pending if result is not None and path is not None else None,
            "nav": "scorecard",
        },
    )


@login_required
def measure_form(request, pk: int | None = None):
    """Map a published measure code to one of the council's indicators."""
    _require_team(request.user)
    measure = get_object_or_404(Measure, pk=pk) if pk else None
    initial = {"code": request.GET.get("code", "")} if measure is None else None
    form = MeasureForm(request.POST or None, instance=measure, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_measure(
            code=form.cleaned_data["code"],
            indicator=form.cleaned_data["indicator"],
            name=form.cleaned_data["name"],
            measure=measure,
            other_codes=form.cleaned_data["other_codes"],
        )
        messages.success(request, f"{form.cleaned_data['code']} is mapped.")
        return redirect("comparators:index")
    title = f"Measure {measure.code}" if measure else "Map a measure code"
    return render(
        request, "comparators/form.html", {"form": form, "title": title, "nav": "scorecard"}
    )


@login_required
def group_form(request, pk: int | None = None):
    """A comparator group: its name, kind, published average and councils."""
    _require_team(request.user)
    group = get_object_or_404(ComparatorGroup, pk=pk) if pk else None
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_group(
            name=data["name"],
            kind=data["kind"],
            order=data["order"],
            members=list(data["members"]),
            published_area=data["published_area"],
            published_note=data["published_note"],
            group=group,
        )
        messages.success(request, f"The group {data['name']} is saved.")
        return redirect("comparators:index")
    title = f"Group {group.name}" if group else "New comparator group"
    return render(
        request, "comparators/form.html", {"form": form, "title": title, "nav": "scorecard"}
    )
