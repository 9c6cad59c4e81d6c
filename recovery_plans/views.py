"""Recovery plan pages: the list, a plan (HTML and PDF), editing, the plans needed, the
actions falling due, and each lead's calendar feed."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Min, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from indicators.models import Indicator
from indicators.periods import FinancialQuarter, PeriodError, parse_period
from indicators.roles import is_performance_team
from recovery_plans import calendar, services
from recovery_plans.forms import (
    ActionForm,
    CloseForm,
    PlanFilters,
    PlanForm,
    PresentationForm,
    StatusForm,
    UpdateForm,
    table_text,
)
from recovery_plans.models import (
    Action,
    ActionStatus,
    Lead,
    PlanStatus,
    RecoveryPlan,
    leads_in_order,
)
from recovery_plans.permissions import (
    can_create_plans,
    can_edit_plan,
    can_manage_calendar,
    can_update_action,
    editable_indicator_ids,
)
from recovery_plans.rules import NEEDED
from reporting.plans import plan_context, plan_queryset, plans_by_indicator
from reporting.quarters import latest_complete
from reporting.scorecard import build_rows
from scorecard.pdf import tagged_pdf

DUE_WINDOW_DAYS = 30


def _messages_from(error: ValidationError, form) -> None:
    """Put a service's refusal on the form, against the field it names."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@login_required
def plan_list(request):
    """Every plan, open and closed, with its actions counted: a fixed number of queries."""
    today = timezone.localdate()
    form = PlanFilters(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    plans = (
        RecoveryPlan.objects.select_related("owner")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.only("pk", "title", "reference"))
        )
        .annotate(
            action_count=Count("actions", distinct=True),
            complete_count=Count(
                "actions", filter=Q(actions__status=ActionStatus.COMPLETE), distinct=True
            ),
            overdue_count=Count(
                "actions",
                filter=Q(actions__due_on__lt=today) & ~Q(actions__status=ActionStatus.COMPLETE),
                distinct=True,
            ),
            next_due=Min(
                "actions__due_on",
                filter=Q(actions__due_on__gte=today) & ~Q(actions__status=ActionStatus.COMPLETE),
            ),
            last_presented=Min("presentations__meeting_date"),
        )
        .order_by("status", "-opened_on", "pk")
    )
    if data.get("status"):
        plans = plans.filter(status=data["status"])
    if data.get("owner"):
        plans = plans.filter(owner=data["owner"])
    if data.get("overdue"):
        plans = plans.filter(overdue_count__gt=0)
    team = is_performance_team(request.user)
    return render(
        request,
        "recovery_plans/plan_list.html",
        {
            "plans": plans,
            "form": form,
            "can_create": can_create_plans(request.user),
            "team": team,
            "nav": "plans",
        },
    )


def _plan(pk: int) -> RecoveryPlan:
    return get_object_or_404(plan_queryset(), pk=pk)


@login_required
def plan_detail(request, pk: int):
    plan = _plan(pk)
    editable = can_edit_plan(request.user, plan)
    context = plan_context(plan)
    for action in context["actions"]:
        action.updatable = can_update_action(request.user, action, plan_editable=editable)
    return render(
        request,
        "recovery_plans/plan_detail.html",
        {
            **context,
            "editable": editable,
            "status_choices": ActionStatus.choices,
            "nav": "plans",
        },
    )


@login_required
def plan_pdf(request, pk: int):
    """The plan as the committee papers print it, A4."""

    plan = _plan(pk)
    html = render_to_string("recovery_plans/plan_print.html", plan_context(plan), request=request)
    pdf = tagged_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="recovery-plan-{plan.pk}.pdf"'
    return response


def _plan_form_choices(user):
    ids = editable_indicator_ids(user)
    indicators = Indicator.objects.select_related(None).order_by("reference")
    if ids is not None:
        indicators = indicators.filter(pk__in=ids)
    users = get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")
    owners = users if is_performance_team(user) else users.filter(pk=user.pk)
    return indicators, owners


@login_required
def plan_create(request):
    if not can_create_plans(request.user):
        raise PermissionDenied("Only indicator owners and the performance team write plans.")
    indicators, owners = _plan_form_choices(request.user)
    if request.method == "POST":
        form = PlanForm(request.POST, indicators=indicators, owners=owners)
        if form.is_valid():
            try:
                plan = services.save_plan(**form.cleaned_data, by=request.user)
            except ValidationError as error:
                _messages_from(error, form)
            else:
                messages.success(request, "Recovery plan created. Now add its actions.")
                return redirect(plan)
    else:
        initial = {"owner": request.user.pk}
        chosen = indicators.filter(reference__in=request.GET.getlist("indicator"))
        if chosen:
            initial["indicators"] = list(chosen)
            initial["title"] = chosen[0].title if len(chosen) == 1 else ""
        if request.GET.get("period"):
            initial["period"] = request.GET["period"]
        form = PlanForm(initial=initial, indicators=indicators, owners=owners)
    return render(
        request,
        "recovery_plans/plan_form.html",
        {"form": form, "plan": None, "nav": "plans"},
    )


def _editable_plan(request, pk: int) -> RecoveryPlan:
    plan = get_object_or_404(RecoveryPlan.objects.prefetch_related("indicators"), pk=pk)
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied("Only the plan's officers and the performance team change it.")
    return plan


@login_required
def plan_edit(request, pk: int):
    plan = _editable_plan(request, pk)
    indicators, owners = _plan_form_choices(request.user)
    # Keep indicators and owner the officer may not choose, rather than drop them.
    indicators = Indicator.objects.filter(
        Q(pk__in=indicators.values("pk")) | Q(recovery_plans=plan)
    ).distinct()
    owners = get_user_model().objects.filter(Q(pk__in=owners.values("pk")) | Q(pk=plan.owner_id))
    if request.method == "POST":
        form = PlanForm(request.POST, indicators=indicators, owners=owners)
        if form.is_valid():
            try:
                services.save_plan(plan=plan, **form.cleaned_data, by=request.user)
            except ValidationError as error:
                _messages_from(error, form)
            else:
                messages.success(request, "Recovery plan saved.")
                return redirect(plan)
    else:
        form = PlanForm(
            initial={
                "title": plan.title,
                "indicators": list(plan.indicators.all()),
                "period": plan.period,
                "owner": plan.owner_id,
                "opened_on": plan.opened_on,
                "why": plan.why,
                "comparative_intro": plan.comparative_intro,
                "comparative_table": table_text(plan.comparative_table),
                "actions_intro": plan.actions_intro,
            },
            indicators=indicators,
            owners=owners,
        )
    return render(
        request, "recovery_plans/plan_form.html", {"form": form, "plan": plan, "nav": "plans"}
    )


@login_required
def action_edit(request, pk: int, number: int | None = None):
    plan = _editable_plan(request, pk)
    action = None
    if number is not None:
        action = get_object_or_404(plan.actions.prefetch_related(leads_in_order()), number=number)
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_action(
                    plan=plan,
                    action=action,
                    heading=data["heading"],
                    text=data["text"],
                    leads=services.leads_named(data["leads"]),
                    completion=data["completion"],
                    expected_outcome=data["expected_outcome"],
                    status=data["status"],
                    note=data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                _messages_from(error, form)
            else:
                messages.success(request, "Action saved.")
                return redirect(plan)
    elif action is not None:
        form = ActionForm(
            initial={
                "heading": action.heading,
                "text": action.text,
                "leads": "\n".join(lead.name for lead in action.leads.all()),
                "completion": action.completion,
                "expected_outcome": action.expected_outcome,
                "status": action.status,
            }
        )
    else:
        last = plan.actions.order_by("-number").first()
        form = ActionForm(initial={"heading": last.heading if last else ""})
    return render(
        request,
        "recovery_plans/action_form.html",
        {"form": form, "plan": plan, "action": action, "nav": "plans"},
    )


@login_required
@require_POST
def action_status(request, pk: int, number: int):
    plan = get_object_or_404(RecoveryPlan.objects.prefetch_related("indicators"), pk=pk)
    action = get_object_or_404(plan.actions.prefetch_related("leads"), number=number)
    if not can_update_action(request.user, action, plan_editable=can_edit_plan(request.user, plan)):
        raise PermissionDenied("Only the plan's officers, the action's leads and the team.")
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Action {number}: choose a status.")
        return redirect(plan)
    try:
        services.set_action_status(
            action,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, f"Action {number}: " + " ".join(error.messages))
    else:
        messages.success(request, f"Action {number} is now {action.get_status_display().lower()}.")
    return redirect(f"{plan.get_absolute_url()}#action-{number}")


def _simple_form(request, pk, form_class, save, template_title, success):
    plan = _editable_plan(request, pk)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                save(plan, form.cleaned_data)
            except ValidationError as error:
                _messages_from(error, form)
            else:
                messages.success(request, success)
                return redirect(plan)
    else:
        form = form_class()
    return render(
        request,
        "recovery_plans/simple_form.html",
        {"form": form, "plan": plan, "title": template_title, "nav": "plans"},
    )


@login_required
def plan_close(request, pk: int):
    plan = get_object_or_404(RecoveryPlan, pk=pk)
    if not plan.is_open:
        messages.error(request, "The plan is already closed.")
        return redirect(plan)
    return _simple_form(
        request,
        pk,
        CloseForm,
        lambda p, d: services.close_plan(
            p, closed_on=d["closed_on"], reason=d["reason"], by=request.user
        ),
        "Close the plan",
        "Recovery plan closed.",
    )


@login_required
def presentation_create(request, pk: int):
    return _simple_form(
        request,
        pk,
        PresentationForm,
        lambda p, d: services.record_presentation(p, **d),
        "Record a presentation to committee",
        "Presentation recorded.",
    )


@login_required
def update_create(request, pk: int):
    return _simple_form(
        request,
        pk,
        UpdateForm,
        lambda p, d: services.record_update(p, **d, by=request.user),
        "Add a progress update",
        "Progress update added.",
    )


def _quarter(request) -> FinancialQuarter | None:
    text = request.GET.get("quarter", "").strip()
    if text:
        try:
            return parse_period(text, kind="financial_quarter")
        except PeriodError:
            return None
    return latest_complete()[0]


@login_required
def needed(request):
    """Indicators whose figures need a recovery plan and have none, for a quarter."""
    ids = editable_indicator_ids(request.user)
    if ids == set():
        raise PermissionDenied("This list is for indicator owners and the performance team.")
    quarter = _quarter(request)
    error = ""
    if request.GET.get("quarter") and quarter is None:
        error = f'"{request.GET["quarter"]}" is not a quarter; write it like "Q4 2017/18".'
    rows = []
    if quarter is not None:
        year = quarter.financial_year
        indicators = Indicator.objects.for_report(quarter).in_scorecard(year)
        if ids is not None:
            indicators = indicators.filter(pk__in=ids)
        indicators = list(indicators)
        rows = [
            row
            for row in build_rows(
                indicators,
                quarter,
                with_spc=False,
                plans=plans_by_indicator(i.pk for i in indicators),
            )
            if row.plan_state == NEEDED
        ]
    return render(
        request,
        "recovery_plans/needed.html",
        {"rows": rows, "quarter": quarter, "error": error, "nav": "plans"},
    )


@login_required
def due(request):
    """Actions overdue and due in the next 30 days; the team sees all, officers theirs."""
    ids = editable_indicator_ids(request.user)
    lead = Lead.objects.filter(user=request.user).first()
    if ids == set() and lead is None:
        raise PermissionDenied("This list is for the performance team and action leads.")
    today = timezone.localdate()
    actions = (
        Action.objects.exclude(status=ActionStatus.COMPLETE)
        .filter(due_on__lte=today + timedelta(days=DUE_WINDOW_DAYS), plan__status=PlanStatus.OPEN)
        .select_related("plan")
        .prefetch_related(leads_in_order())
        .order_by("due_on", "plan_id", "number")
    )
    if ids is not None:
        actions = actions.filter(
            Q(plan__indicators__in=ids) | Q(plan__owner=request.user) | Q(leads__user=request.user)
        ).distinct()
    actions = list(actions)
    for action in actions:
        action.overdue = action.due_on < today
    leads = Lead.objects.order_by("name") if ids is None else Lead.objects.filter(user=request.user)
    return render(
        request,
        "recovery_plans/due.html",
        {
            "overdue": [a for a in actions if a.overdue],
            "upcoming": [a for a in actions if not a.overdue],
            "today": today,
            "until": today + timedelta(days=DUE_WINDOW_DAYS),
            "leads": leads,
            "nav": "plans",
        },
    )


@login_required
def lead_calendar_settings(request, pk: int):
    """A lead's calendar address: shown, turned off, or replaced by a new one."""
    lead = get_object_or_404(Lead, pk=pk)
    if not can_manage_calendar(request.user, lead):
        raise PermissionDenied("Only the lead and the performance team change a calendar address.")
    if request.method == "POST":
        choice = request.POST.get("action")
        if choice == "revoke":
            services.revoke_calendar(lead, by=request.user)
            messages.success(
                request,
                f"The calendar address for {lead.name} is turned off. Calendar programs "
                "subscribed to it no longer get their actions. Get a new address here if "
                "it is needed again.",
            )
        elif choice == "renew":
            services.renew_calendar(lead, by=request.user)
            messages.success(
                request,
                f"{lead.name} has a new calendar address. The old address no longer works: "
                "subscribe to the new one in your calendar program and remove the old "
                "subscription.",
            )
        else:
            messages.error(request, "Choose whether to turn the address off or get a new one.")
        return redirect(lead.get_calendar_settings_url())
    feed_url = lead.get_calendar_url()
    return render(
        request,
        "recovery_plans/lead_calendar.html",
        {
            "lead": lead,
            "feed_url": request.build_absolute_uri(feed_url) if feed_url else "",
            "nav": "plans",
        },
    )


def lead_calendar(request, token: str):
    """A lead's actions as an iCalendar feed. Calendar programs cannot sign in, so the
    address itself is the secret; it shows only action text, dates and plan titles."""
    lead = Lead.objects.filter(calendar_token=token).first()
    if lead is None:
        raise Http404("There is no such calendar.")
    actions = (
        lead.actions.filter(plan__status=PlanStatus.OPEN)
        .select_related("plan")
        .order_by("due_on", "number")
    )
    body = calendar.feed(lead, actions, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="actions-{lead.pk}.ics"'
    return response
