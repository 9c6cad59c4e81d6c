"""The register for members and officers: list, entry, heat map, reviews, the report."""

import hashlib

import django_tables2 as tables
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.views.decorators.cache import cache_control
from django.views.decorators.http import etag
from django_tables2 import RequestConfig

from indicators.periods import PeriodError, parse_period
from indicators.roles import is_performance_team
from indicators.tables import TABLE_ATTRS
from reporting.risks import (
    changes_between,
    current_lines,
    heat_map,
    previous_review,
    report_context,
)
from risks import scoring
from risks.models import Entry, EntryStatus, Kind, Review, RiskMatrix, RiskType
from risks.services import close_review, open_review
from scorecard.pdf import tagged_pdf


def _score(score: int, band: scoring.Band) -> str:
    return format_html(
        '<span class="app-score {}">{} <span class="app-score__band">{}</span></span>',
        band.css_class,
        score,
        band.name,
    )


def _bands_etag(request) -> str:
    return hashlib.sha256(RiskMatrix.current().stylesheet().encode()).hexdigest()[:32]


@etag(_bands_etag)
@cache_control(max_age=300)
def band_stylesheet(request):
    """The key's band colours as CSS: the heat map and scores are coloured by class, so a
    Content-Security-Policy can forbid inline styles while the key stays the council's."""
    return HttpResponse(RiskMatrix.current().stylesheet(), content_type="text/css")


class RegisterTable(tables.Table):
    """The register as a table: sortable by score."""

    reference = tables.Column(verbose_name="Reference")
    title = tables.Column(verbose_name="Description")
    types = tables.Column(verbose_name="Type", orderable=False)
    inherent = tables.Column(verbose_name="Score before mitigation")
    residual = tables.Column(verbose_name="Residual score")
    owner = tables.Column(verbose_name="Owner")
    travel = tables.Column(verbose_name="Direction of travel", order_by=("travel",))

    class Meta:
        attrs = TABLE_ATTRS
        template_name = "indicators/_table.html"

    def render_reference(self, record):
        return format_html(
            '<a class="govuk-link" href="/risks/{}/">{}</a>', record.reference, record.reference
        )

    def render_residual(self, record):
        return _score(record.residual, record.band)

    def render_travel(self, record):
        return format_html(
            '<span aria-hidden="true">{} </span>{}', record.travel.symbol, record.travel.label
        )


class RegisterFilters(forms.Form):
    """Filters of the register: kind, type, owner and residual band."""

    kind = forms.ChoiceField(
        choices=[("", "Risks and opportunities"), *Kind.choices], required=False, label="Show"
    )
    type = forms.ModelChoiceField(
        RiskType.objects.all(), required=False, empty_label="Any type", label="Type"
    )
    owner = forms.CharField(required=False, max_length=150, label="Owner")
    band = forms.CharField(required=False, max_length=50, label="Residual band")


@login_required
def register(request):
    matrix = RiskMatrix.current()
    form = RegisterFilters(request.GET or None)
    entries = Entry.objects.filter(status=EntryStatus.OPEN)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if data.get("kind"):
        entries = entries.filter(kind=data["kind"])
    if data.get("type"):
        entries = entries.filter(types=data["type"])
    if data.get("owner"):
        entries = entries.filter(owner_title__icontains=data["owner"])
    lines = current_lines(matrix, entries)
    if data.get("band"):
        lines = [line for line in lines if line.band.name.lower() == data["band"].lower()]
    table = RegisterTable(lines, order_by_field="sort")
    RequestConfig(request, paginate=False).configure(table)
    return render(
        request,
        "risks/register.html",
        {
            "table": table,
            "form": form,
            "bands": matrix.bands,
            "nav": "risks",
            "owners": sorted({e.owner_title for e in Entry.objects.all()}),
        },
    )


@login_required
def entry_detail(request, reference: str):
    entry = get_object_or_404(Entry.objects.prefetch_related("types"), reference=reference)
    matrix = RiskMatrix.current()
    history = entry.reviews.select_related("review").order_by("review__ends_on")
    return render(
        request,
        "risks/entry.html",
        {
            "entry": entry,
            "band": matrix.band(entry.residual_score),
            "history": history,
            "matrix": matrix,
            "nav": "risks",
        },
    )


@login_required
def heatmap(request):
    matrix = RiskMatrix.current()
    residual = request.GET.get("view", "residual") != "inherent"
    lines = current_lines(matrix)
    risks = [line for line in lines if line.entry.kind == Kind.RISK]
    opportunities = [line for line in lines if line.entry.kind == Kind.OPPORTUNITY]
    names = [matrix.impact_name(i) for i in range(5, 0, -1)]
    # An opportunity's highest impact has its own name ("Outstanding").
    opportunity_names = [matrix.opportunity_top_name, *names[1:]]
    return render(
        request,
        "risks/heatmap.html",
        {
            "risk_rows": list(zip(names, heat_map(matrix, risks, residual=residual), strict=True)),
            "opportunity_rows": (
                list(
                    zip(
                        opportunity_names,
                        heat_map(matrix, opportunities, residual=residual),
                        strict=True,
                    )
                )
                if opportunities
                else None
            ),
            "matrix": matrix,
            "residual": residual,
            "likelihood_names": list(matrix.likelihood_names),
            "nav": "risks",
        },
    )


def _review_from_url(slug: str) -> Review:
    try:
        year, quarter = slug.rsplit("-", 1)
        period = parse_period(f"{quarter} {year.replace('-', '/')}", kind="financial_quarter")
    except (ValueError, PeriodError):
        raise Http404("There is no such review.") from None
    return get_object_or_404(Review, quarter=period)


@login_required
def review_detail(request, slug: str):
    review = _review_from_url(slug)
    before = previous_review(review)
    return render(
        request,
        "risks/review.html",
        {
            "review": review,
            "previous": before,
            "snapshots": review.entries.select_related("entry"),
            "changes": changes_between(before, review),
            "nav": "risks",
        },
    )


@login_required
def register_report(request):
    """The register in the layout of the committee report's Appendix A."""
    return render(request, "risks/report.html", {**report_context(), "nav": "risks"})


@login_required
def register_pdf(request):
    """The same report as a landscape A4 PDF, tables' headers repeated on each page."""

    html = render_to_string("risks/report_print.html", report_context(), request=request)
    pdf = tagged_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="risk-register.pdf"'
    return response


@login_required
def reviews(request):
    """Every review; the performance team starts and closes them here."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.shortcuts import redirect

    team = is_performance_team(request.user)
    if request.method == "POST":
        if not team:
            raise PermissionDenied("Only the performance team runs reviews.")
        try:
            if request.POST.get("action") == "open":
                quarter = parse_period(request.POST.get("quarter", ""), kind="financial_quarter")
                review = open_review(quarter=quarter, by=request.user)
                messages.success(request, f"{review} started.")
            elif request.POST.get("action") == "close":
                review = get_object_or_404(Review, pk=request.POST.get("review"))
                review = close_review(review, by=request.user)
                messages.success(request, f"{review} closed: entries frozen.")
        except PeriodError as error:
            messages.error(request, f"Quarter: {error}")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("risks:reviews")
    return render(
        request,
        "risks/reviews.html",
        {"reviews": Review.objects.all(), "team": team, "nav": "risks"},
    )
