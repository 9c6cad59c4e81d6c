"""Every URL of the app, visited as every role: the status each must get. A URL added
without an entry here fails the test, so access is decided, never left to chance."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.test_pdf_endpoints import AS_UPLOADED, PDF_ROUTES

ROLES = ("anonymous", "public", "officer", "officer2", "performance", "clerk", "member", "admin")


def build_world() -> dict:
    """Beside the demo council (its fixture): a signed-in resident with no role, an
    uploaded appendix and a Part II item on the published meeting."""
    from meetings.models import Appendix, Meeting
    from meetings.services import save_upload
    from recovery_plans.models import Lead, RecoveryPlan
    from tests.factories import pdf_bytes

    users = {u.username: u for u in get_user_model().objects.all()}
    users["public"] = get_user_model().objects.create_user("resident", password="x" * 16)
    meeting = Meeting.objects.get(starts_at__date="2018-06-27")
    report = meeting.items.get(number=5).report
    save_upload(
        Appendix(report=report, letter="C", title="Ofsted letter", kind="upload"),
        pdf_bytes("Letter"),
        "letter.pdf",
    )
    exempt = meeting.items.get(number=6)
    exempt.part, exempt.exempt_paragraph, exempt.exempt_reason = 2, 3, "Commercial terms."
    exempt.save()
    plan = RecoveryPlan.objects.get(title="Lancashire Key Stage 4 Recovery Plan")
    from datetime import datetime

    from django.utils import timezone

    from meetings.services import create_meeting

    draft = create_meeting(
        committee=meeting.committee,
        starts_at=timezone.make_aware(datetime(2018, 10, 4, 14, 0)),
        venue="Committee Room 'B'",
    )
    from datetime import date

    from indicators.periods import parse_period
    from timetable.services import set_timetable

    set_timetable(
        quarter=parse_period("Q4 2017/18"),
        opens_on=date(2018, 4, 3),
        due_on=date(2018, 4, 23),
        sign_off_on=date(2018, 4, 30),
        publication_on=date(2018, 5, 15),
        committee=meeting.committee,
        by=users["performance"],
    )
    return {
        "draft": draft,
        "users": users,
        "meeting": meeting,
        "held": Meeting.objects.get(starts_at__date="2018-04-18"),
        "plan": plan,
        "lead": Lead.objects.exclude(calendar_token="").first(),
    }


def urls_for(world) -> dict[str, str]:
    m, held, plan = world["meeting"], world["held"], world["plan"]
    return {
        "healthz": "/healthz",
        "help": reverse("help"),
        "readyz": "/readyz",
        "login": reverse("login"),
        "password_change": reverse("password_change"),
        "password_change_done": reverse("password_change_done"),
        "password_reset": reverse("password_reset"),
        "password_reset_done": reverse("password_reset_done"),
        "password_reset_confirm": reverse("password_reset_confirm", args=["MQ", "not-a-token"]),
        "password_reset_complete": reverse("password_reset_complete"),
        "notification_settings": reverse("notification_settings"),
        "logout": reverse("logout"),
        "oidc_authentication_init": reverse("oidc_authentication_init"),
        "oidc_authentication_callback": reverse("oidc_authentication_callback"),
        "admin:index": reverse("admin:index"),
        "admin_sign_in": reverse("admin_sign_in"),
        "returns:list": reverse("returns:list"),
        "returns:live_rating": reverse("returns:live_rating"),
        "returns:form": reverse("returns:form", args=["2017-18", "Q4"]),
        "returns:review": reverse("returns:review", args=["2017-18", "Q4"]),
        "returns:timetable": reverse("returns:timetable", args=["2017-18", "Q4"]),
        "returns:workbook": reverse("returns:workbook", args=["2017-18", "Q4"]),
        "returns:upload": reverse("returns:upload", args=["2017-18", "Q4"]),
        "returns:catalogue": reverse("returns:catalogue"),
        "returns:catalogue_preview": reverse("returns:catalogue_preview"),
        "returns:catalogue_template": reverse("returns:catalogue_template"),
        "returns:catalogue_export": reverse("returns:catalogue_export"),
        "risks:register": reverse("risks:register"),
        "risks:heatmap": reverse("risks:heatmap"),
        "risks:bands_css": reverse("risks:bands_css"),
        "risks:report": reverse("risks:report"),
        "risks:report_pdf": reverse("risks:report_pdf"),
        "risks:reviews": reverse("risks:reviews"),
        "risks:review": reverse("risks:review", args=["2018-19-Q1"]),
        "risks:entry": reverse("risks:entry", args=["CR2"]),
        "recovery_plans:list": reverse("recovery_plans:list"),
        "recovery_plans:create": reverse("recovery_plans:create"),
        "recovery_plans:needed": reverse("recovery_plans:needed"),
        "recovery_plans:due": reverse("recovery_plans:due"),
        "recovery_plans:calendar": reverse(
            "recovery_plans:calendar", args=[world["lead"].calendar_token]
        ),
        "recovery_plans:lead_calendar": reverse(
            "recovery_plans:lead_calendar", args=[world["lead"].pk]
        ),
        "recovery_plans:detail": reverse("recovery_plans:detail", args=[plan.pk]),
        "recovery_plans:pdf": reverse("recovery_plans:pdf", args=[plan.pk]),
        "recovery_plans:edit": reverse("recovery_plans:edit", args=[plan.pk]),
        "recovery_plans:close": reverse("recovery_plans:close", args=[plan.pk]),
        "recovery_plans:presentation": reverse("recovery_plans:presentation", args=[plan.pk]),
        "recovery_plans:update": reverse("recovery_plans:update", args=[plan.pk]),
        "recovery_plans:action_create": reverse("recovery_plans:action_create", args=[plan.pk]),
        "recovery_plans:action_edit": reverse("recovery_plans:action_edit", args=[plan.pk, 1]),
        "recovery_plans:action_status": reverse("recovery_plans:action_status", args=[plan.pk, 1]),
        "meetings:list": reverse("meetings:list"),
        "meetings:create": reverse("meetings:create"),
        "meetings:search": reverse("meetings:search") + "?q=Key+Stage",
        "meetings:export": reverse("meetings:export"),
        "meetings:detail": reverse("meetings:detail", args=[m.pk]),
        "meetings:detail (draft)": reverse("meetings:detail", args=[world["draft"].pk]),
        "meetings:edit (draft)": reverse("meetings:edit", args=[world["draft"].pk]),
        "meetings:item_create (draft)": reverse("meetings:item_create", args=[world["draft"].pk]),
        "meetings:item (Part I)": reverse("meetings:item", args=[m.pk, 5]),
        "meetings:item_paper (Part I)": reverse("meetings:item_paper", args=[m.pk, 5]),
        "meetings:item_paper (Part II)": reverse("meetings:item_paper", args=[m.pk, 6]),
        "meetings:issue_file (public)": reverse("meetings:issue_file", args=[m.pk, 1, "pack"]),
        "meetings:pack": reverse("meetings:pack", args=[m.pk]),
        "meetings:calendar": reverse("meetings:calendar", args=[m.pk]),
        "meetings:calendar (draft)": reverse("meetings:calendar", args=[world["draft"].pk]),
        "meetings:pack_full": reverse("meetings:pack_full", args=[m.pk]),
        "meetings:issue_file (Part II)": reverse(
            "meetings:issue_file", args=[m.pk, 1, "pack-full"]
        ),
        "meetings:progress": reverse("meetings:progress", args=[m.pk]),
        "meetings:publish": reverse("meetings:publish", args=[m.pk]),
        "meetings:edit": reverse("meetings:edit", args=[m.pk]),
        "meetings:minutes": reverse("meetings:minutes", args=[held.pk]),
        "meetings:minutes_edit": reverse("meetings:minutes_edit", args=[held.pk]),
        "meetings:item_create": reverse("meetings:item_create", args=[m.pk]),
        "meetings:item (Part II)": reverse("meetings:item", args=[m.pk, 6]),
        "meetings:report_edit": reverse("meetings:report_edit", args=[m.pk, 5]),
        "meetings:item_edit": reverse("meetings:item_edit", args=[m.pk, 5]),
        "meetings:item_remove": reverse("meetings:item_remove", args=[m.pk, 5]),
        "meetings:appendix_create": reverse("meetings:appendix_create", args=[m.pk, 5]),
        "meetings:appendix_file": reverse("meetings:appendix_file", args=[m.pk, 5, "C"]),
        "sitemap": reverse("sitemap"),
        "indicators:home": reverse("indicators:home"),
        "indicators:scorecard": reverse("indicators:scorecard"),
        "indicators:overview": reverse("indicators:overview"),
        "indicators:summary": reverse("indicators:summary"),
        "indicators:export_csv": reverse("indicators:export_csv"),
        "indicators:export_xlsx": reverse("indicators:export_xlsx"),
        "indicators:detail": reverse("indicators:detail", args=["SW06"]),
        "indicators:history": reverse("indicators:history", args=["SW06"]),
        "indicators:set_judgement": reverse("indicators:set_judgement", args=["SW06"]),
        "indicators:add_process_change": reverse("indicators:add_process_change", args=["SW06"]),
        "indicators:withdraw_process_change": reverse(
            "indicators:withdraw_process_change", args=["SW06", 1]
        ),
        "comparators:index": reverse("comparators:index"),
        "comparators:upload": reverse("comparators:upload"),
        "comparators:measure_create": reverse("comparators:measure_create"),
        "comparators:measure_edit": reverse(
            "comparators:measure_edit", args=[_first_pk("comparators.Measure")]
        ),
        "comparators:group_create": reverse("comparators:group_create"),
        "comparators:group_edit": reverse(
            "comparators:group_edit", args=[_first_pk("comparators.ComparatorGroup")]
        ),
    }


def _first_pk(label: str) -> int:
    from django.apps import apps

    # 0 (no such row, a 404) in a world without any, such as the stored-XSS test's.
    return apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True).first() or 0


# Statuses in the order of ROLES: anonymous, public (signed in, no role), officer (owns the
# Start Well indicators and the Key Stage 4 plan's indicator), officer2 (another officer),
# performance team, clerk, committee member, site administrator. 302 is the way to the
# sign-in page; 405 a page that only takes POST (its POST is checked in its own tests).
EXPECTED = {
    # Service checks answer anyone; readiness fails here because no task worker runs.
    "healthz": (200, 200, 200, 200, 200, 200, 200, 200),
    "readyz": (503, 503, 503, 503, 503, 503, 503, 503),
    "login": (200, 200, 200, 200, 200, 200, 200, 200),
    "logout": (405, 405, 405, 405, 405, 405, 405, 405),
    # Single sign-on is off here, so its two addresses do not exist; with it on, anyone may
    # set off to the provider and come back (tests/test_sso.py).
    "oidc_authentication_init": (404, 404, 404, 404, 404, 404, 404, 404),
    "oidc_authentication_callback": (404, 404, 404, 404, 404, 404, 404, 404),
    "password_change": (302, 200, 200, 200, 200, 200, 200, 200),
    "password_change_done": (302, 200, 200, 200, 200, 200, 200, 200),
    # Resetting a forgotten password: anyone (a link with a bad token says it has expired).
    "password_reset": (200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_done": (200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_confirm": (200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_complete": (200, 200, 200, 200, 200, 200, 200, 200),
    # Which e-mails you receive: anyone signed in.
    "notification_settings": (302, 200, 200, 200, 200, 200, 200, 200),
    # The admin is for staff: officers, the performance team, clerks.
    "admin:index": (302, 302, 200, 200, 200, 200, 302, 200),
    # The admin's sign-in (the app's sign-in page when single sign-on is on): staff who are
    # signed in already go on to the admin.
    "admin_sign_in": (200, 200, 302, 302, 302, 302, 200, 302),
    # Returns: officers and the performance team; review: the performance team only.
    "returns:list": (302, 403, 200, 200, 200, 403, 403, 200),
    "returns:live_rating": (302, 403, 400, 400, 400, 403, 403, 400),
    "returns:form": (302, 403, 200, 200, 200, 403, 403, 200),
    "returns:review": (302, 403, 403, 403, 200, 403, 403, 200),
    "returns:timetable": (302, 403, 403, 403, 200, 403, 403, 200),
    "returns:workbook": (302, 403, 200, 200, 200, 403, 403, 200),
    "returns:upload": (302, 403, 200, 200, 200, 403, 403, 200),
    # Onboarding a council's catalogue: the performance team only.
    "returns:catalogue": (302, 403, 403, 403, 200, 403, 403, 200),
    "returns:catalogue_preview": (302, 403, 403, 403, 200, 403, 403, 200),
    "returns:catalogue_template": (302, 403, 403, 403, 200, 403, 403, 200),
    "returns:catalogue_export": (302, 403, 403, 403, 200, 403, 403, 200),
    # The live register and plans: any account (the council issues them to staff and
    # members only); the public reads them in published committee papers.
    "risks:register": (302, 200, 200, 200, 200, 200, 200, 200),
    "risks:heatmap": (302, 200, 200, 200, 200, 200, 200, 200),
    # The key's colours: no secret, and the sign-in page needs them too.
    "risks:bands_css": (200, 200, 200, 200, 200, 200, 200, 200),
    "risks:report": (302, 200, 200, 200, 200, 200, 200, 200),
    "risks:report_pdf": (302, 200, 200, 200, 200, 200, 200, 200),
    "risks:reviews": (302, 200, 200, 200, 200, 200, 200, 200),
    "risks:review": (302, 200, 200, 200, 200, 200, 200, 200),
    "risks:entry": (302, 200, 200, 200, 200, 200, 200, 200),
    "recovery_plans:list": (302, 200, 200, 200, 200, 200, 200, 200),
    "recovery_plans:detail": (302, 200, 200, 200, 200, 200, 200, 200),
    "recovery_plans:pdf": (302, 200, 200, 200, 200, 200, 200, 200),
    # Writing plans: owners of the indicators and the performance team.
    "recovery_plans:create": (302, 403, 200, 200, 200, 403, 403, 200),
    "recovery_plans:needed": (302, 403, 200, 200, 200, 403, 403, 200),
    "recovery_plans:due": (302, 403, 200, 200, 200, 403, 403, 200),
    "recovery_plans:edit": (302, 403, 200, 403, 200, 403, 403, 200),
    "recovery_plans:close": (302, 403, 200, 403, 200, 403, 403, 200),
    "recovery_plans:presentation": (302, 403, 200, 403, 200, 403, 403, 200),
    "recovery_plans:update": (302, 403, 200, 403, 200, 403, 403, 200),
    "recovery_plans:action_create": (302, 403, 200, 403, 200, 403, 403, 200),
    "recovery_plans:action_edit": (302, 403, 200, 403, 200, 403, 403, 200),
    "recovery_plans:action_status": (302, 405, 405, 405, 405, 405, 405, 405),
    # A lead's calendar: the secret address is the credential.
    "recovery_plans:calendar": (200, 200, 200, 200, 200, 200, 200, 200),
    # Turning it off or renewing it: the lead themself (this one has no login) and the team.
    "recovery_plans:lead_calendar": (302, 403, 403, 403, 200, 403, 403, 200),
    # Published Part I papers: everyone.
    "meetings:list": (200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:search": (200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:export": (200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:detail": (200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:pack": (200, 200, 200, 200, 200, 200, 200, 200),
    # "Add to calendar": whoever may see the meeting; a draft is the clerks' and the team's.
    "meetings:calendar": (200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:calendar (draft)": (404, 404, 404, 404, 200, 200, 404, 200),
    "meetings:progress": (200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:minutes": (200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:item (Part I)": (200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:item_paper (Part I)": (200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:issue_file (public)": (200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:appendix_file": (200, 200, 200, 200, 200, 200, 200, 200),
    "sitemap": (200, 200, 200, 200, 200, 200, 200, 200),
    # Part II: members and staff; for anyone else it does not exist.
    "meetings:pack_full": (404, 404, 200, 200, 200, 200, 200, 200),
    "meetings:issue_file (Part II)": (404, 404, 200, 200, 200, 200, 200, 200),
    "meetings:item (Part II)": (404, 404, 200, 200, 200, 200, 200, 200),
    "meetings:item_paper (Part II)": (404, 404, 200, 200, 200, 200, 200, 200),
    # A draft agenda: clerks and the performance team; members wait for publication.
    "meetings:detail (draft)": (404, 404, 404, 404, 200, 200, 404, 200),
    "meetings:edit (draft)": (302, 403, 403, 403, 403, 200, 403, 200),
    "meetings:item_create (draft)": (302, 403, 403, 403, 403, 200, 403, 200),
    # Clerks' pages; a published agenda's items and details are fixed, even for clerks.
    "meetings:create": (302, 403, 403, 403, 403, 200, 403, 200),
    "meetings:minutes_edit": (302, 403, 403, 403, 403, 200, 403, 200),
    "meetings:item_create": (302, 403, 403, 403, 403, 200, 403, 200),
    "meetings:edit": (302, 403, 403, 403, 403, 403, 403, 403),
    "meetings:report_edit": (302, 403, 403, 403, 403, 403, 403, 403),
    "meetings:item_edit": (302, 403, 403, 403, 403, 403, 403, 403),
    "meetings:appendix_create": (302, 403, 403, 403, 403, 403, 403, 403),
    "meetings:publish": (302, 405, 405, 405, 405, 405, 405, 405),
    "meetings:item_remove": (302, 405, 405, 405, 405, 405, 405, 405),
    # The scorecard of published figures: everyone. Drafting a summary: staff.
    "indicators:home": (302, 302, 302, 302, 302, 302, 302, 302),
    # What the words mean: everyone.
    "help": (200, 200, 200, 200, 200, 200, 200, 200),
    "indicators:scorecard": (200, 200, 200, 200, 200, 200, 200, 200),
    "indicators:overview": (200, 200, 200, 200, 200, 200, 200, 200),
    "indicators:export_csv": (200, 200, 200, 200, 200, 200, 200, 200),
    "indicators:export_xlsx": (200, 200, 200, 200, 200, 200, 200, 200),
    "indicators:detail": (200, 200, 200, 200, 200, 200, 200, 200),
    "indicators:summary": (302, 403, 200, 200, 200, 200, 403, 200),
    # An indicator's audit trail: the performance team.
    "indicators:history": (403, 403, 403, 403, 200, 403, 403, 200),
    "indicators:set_judgement": (302, 405, 405, 405, 405, 405, 405, 405),
    # Process changes: the performance team's, by POST (tests/test_process_changes.py).
    "indicators:add_process_change": (302, 405, 405, 405, 405, 405, 405, 405),
    "indicators:withdraw_process_change": (302, 405, 405, 405, 405, 405, 405, 405),
    # National comparators: imports, measure codes and groups are the performance team's.
    "comparators:index": (302, 403, 403, 403, 200, 403, 403, 200),
    "comparators:upload": (302, 403, 403, 403, 200, 403, 403, 200),
    "comparators:measure_create": (302, 403, 403, 403, 200, 403, 403, 200),
    "comparators:measure_edit": (302, 403, 403, 403, 200, 403, 403, 200),
    "comparators:group_create": (302, 403, 403, 403, 200, 403, 403, 200),
    "comparators:group_edit": (302, 403, 403, 403, 200, 403, 403, 200),
}


def _url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    names.add("admin:index")  # the admin keeps its own permissions
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_an_entry():
    covered = {name.split(" ")[0] for name in EXPECTED}
    assert _url_names() - covered == set(), "add the new URL to EXPECTED"
    assert covered - _url_names() == set()


# One test per role, so the parallel workers share the matrix (each loads the demo afresh).
@pytest.mark.parametrize("role", ROLES)
def test_every_url_as_every_role(demo_council_with_meetings, client, role):
    world = build_world()
    urls = urls_for(world)
    assert set(urls) == set(EXPECTED)
    column = ROLES.index(role)
    wrong = []
    serves_pdf = set()
    for name, url in urls.items():
        expected = EXPECTED[name][column]
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role])
        response = client.get(url)
        if response.streaming:  # read to the end, which closes the file
            b"".join(response.streaming_content)
        if response.get("Content-Type") == "application/pdf":
            serves_pdf.add(name.split(" ")[0])
        if response.status_code != expected:
            wrong.append(f"{name} as {role}: {response.status_code}, expected {expected}")
        if expected == 302 and name not in {"indicators:home", "admin_sign_in"}:
            assert "login/" in response["Location"], (name, role)
        wrong += _inline_code(name, role, response)
    assert wrong == []
    # Every PDF is checked for its tagging in tests/test_pdf_endpoints.py, whatever its
    # address ends in.
    assert serves_pdf - set(PDF_ROUTES) - set(AS_UPLOADED) == set()


def test_every_url_refuses_a_post_without_the_csrf_token(demo_council_with_meetings):
    """Whoever sends it: no view is exempt."""
    world = build_world()
    urls = urls_for(world)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["users"]["admin"])
    unguarded = [name for name, url in urls.items() if strict.post(url).status_code != 403]
    assert unguarded == []


INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _inline_code(name: str, role: str, response) -> list[str]:
    """The Content-Security-Policy is on every response, and no page needs it relaxed: no
    style attribute, no script but files and JSON data, no event handler attribute."""
    problems = []
    policy = response.get("Content-Security-Policy", "")
    if "script-src 'self'" not in policy or "style-src 'self'" not in policy:
        problems.append(f"{name} as {role}: Content-Security-Policy is {policy!r}")
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        for pattern in (INLINE_STYLE, INLINE_SCRIPT, INLINE_HANDLER):
            problems += [f"{name} as {role}: {hit[:80]}" for hit in pattern.findall(html)]
    return problems


# The admin's own pages for every registered model, as every role. The objects are the
# officer's where a model has an owner, so the two officers differ. A model registered
# without an entry here fails the test.
ADMIN_PAGES = ("changelist", "add", "change", "history", "history_form", "revert", "delete")


# Statuses in the order of ROLES. 302 for anonymous and the member is the way to sign in;
# a 302 for staff is Django's "doesn't exist" (no such row, or a row hidden from them).
ADMIN_EXPECTED = {
    "auth.Group": {
        "changelist": (302, 302, 403, 403, 403, 403, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 200),
        "change": (302, 302, 403, 403, 403, 403, 302, 200),
        "history": (302, 302, 403, 403, 403, 403, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 200),
    },
    "auth.User": {
        "changelist": (302, 302, 403, 403, 403, 403, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 200),
        "change": (302, 302, 403, 403, 403, 403, 302, 200),
        "history": (302, 302, 403, 403, 403, 403, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 200),
    },
    "indicators.Indicator": {
        "changelist": (302, 302, 200, 200, 200, 200, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 200, 200, 200, 200, 302, 200),
        "history": (302, 302, 200, 200, 200, 200, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 200),
        "history_form": (302, 302, 200, 200, 200, 200, 302, 200),
        "revert": (302, 302, 302, 403, 200, 403, 302, 200),
        "audit": (302, 302, 200, 403, 200, 403, 302, 200),
    },
    "indicators.Value": {
        "changelist": (302, 302, 200, 200, 200, 200, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 403),
        "change": (302, 302, 200, 200, 200, 200, 302, 200),
        "history": (302, 302, 200, 403, 200, 403, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 403),
        "history_form": (302, 302, 200, 403, 200, 403, 302, 200),
        "revert": (302, 302, 403, 403, 403, 403, 302, 403),
    },
    "indicators.Target": {
        "changelist": (302, 302, 200, 200, 200, 200, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 200, 200, 200, 200, 302, 200),
        "history": (302, 302, 200, 200, 200, 200, 302, 200),
        "delete": (302, 302, 403, 403, 200, 403, 302, 200),
        "history_form": (302, 302, 200, 200, 200, 200, 302, 200),
        "revert": (302, 302, 403, 403, 200, 403, 302, 200),
    },
    # Read-only, as figures are: commentary is written on the return with its figure.
    "indicators.Commentary": {
        "changelist": (302, 302, 200, 200, 200, 200, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 403),
        "change": (302, 302, 200, 200, 200, 200, 302, 200),
        "history": (302, 302, 200, 403, 200, 403, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 403),
        "history_form": (302, 302, 200, 403, 200, 403, 302, 200),
        "revert": (302, 302, 403, 403, 403, 403, 302, 403),
    },
    "indicators.Comparator": {
        "changelist": (302, 302, 200, 200, 200, 200, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 200, 200, 200, 200, 302, 200),
        "history": (302, 302, 200, 200, 200, 200, 302, 200),
        "delete": (302, 302, 403, 403, 200, 403, 302, 200),
        "history_form": (302, 302, 200, 200, 200, 200, 302, 200),
        "revert": (302, 302, 403, 403, 200, 403, 302, 200),
    },
    "indicators.Publication": {
        "changelist": (302, 302, 403, 403, 403, 403, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 403),
        "change": (302, 302, 403, 403, 403, 403, 302, 302),
        "history": (302, 302, 302, 302, 302, 302, 302, 302),
        "delete": (302, 302, 403, 403, 403, 403, 302, 403),
    },
    "indicators.Section": {
        "changelist": (302, 302, 200, 200, 200, 200, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 200, 200, 200, 200, 302, 200),
        "history": (302, 302, 200, 200, 200, 200, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 200),
    },
    "indicators.Service": {
        "changelist": (302, 302, 200, 200, 200, 200, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 200, 200, 200, 200, 302, 200),
        "history": (302, 302, 200, 200, 200, 200, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 200),
    },
    "indicators.Scorecard": {
        "changelist": (302, 302, 403, 403, 200, 403, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 403, 403, 200, 403, 302, 200),
        "history": (302, 302, 403, 403, 200, 403, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 200),
    },
    "risks.Entry": {
        "changelist": (302, 302, 200, 200, 200, 200, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 200, 200, 200, 200, 302, 200),
        "history": (302, 302, 200, 200, 200, 200, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 200),
        "history_form": (302, 302, 200, 200, 200, 200, 302, 200),
        "revert": (302, 302, 200, 403, 200, 403, 302, 200),
    },
    "risks.Review": {
        "changelist": (302, 302, 200, 200, 200, 200, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 403),
        "change": (302, 302, 200, 200, 200, 200, 302, 200),
        "history": (302, 302, 200, 200, 200, 200, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 200),
    },
    "risks.RiskType": {
        "changelist": (302, 302, 200, 200, 200, 200, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 200, 200, 200, 200, 302, 200),
        "history": (302, 302, 200, 200, 200, 200, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 200),
    },
    "risks.RiskMatrix": {
        "changelist": (302, 302, 200, 200, 200, 200, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 302, 302, 302, 302, 302, 302),
        "history": (302, 302, 302, 302, 302, 302, 302, 302),
        "delete": (302, 302, 403, 403, 403, 403, 302, 302),
    },
    # The record of e-mails sent: read by the site administrator, changed by nobody.
    "notifications.Delivery": {
        "changelist": (302, 302, 403, 403, 403, 403, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 403),
        "change": (302, 302, 403, 403, 403, 403, 302, 200),
        "history": (302, 302, 403, 403, 403, 403, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 403),
    },
    "recovery_plans.Lead": {
        "changelist": (302, 302, 403, 403, 200, 403, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 403, 403, 200, 403, 302, 200),
        "history": (302, 302, 403, 403, 200, 403, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 200),
    },
    "meetings.Committee": {
        "changelist": (302, 302, 403, 403, 403, 200, 302, 200),
        "add": (302, 302, 403, 403, 403, 200, 302, 200),
        "change": (302, 302, 403, 403, 403, 200, 302, 200),
        "history": (302, 302, 403, 403, 403, 200, 302, 200),
        "delete": (302, 302, 403, 403, 403, 200, 302, 200),
    },
    # The return timetable: the performance team's; officers read it on their return.
    "timetable.QuarterTimetable": {
        "changelist": (302, 302, 403, 403, 200, 403, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 403, 403, 200, 403, 302, 200),
        "history": (302, 302, 403, 403, 200, 403, 302, 200),
        "delete": (302, 302, 403, 403, 403, 403, 302, 200),
        "history_form": (302, 302, 403, 403, 200, 403, 302, 200),
        "revert": (302, 302, 403, 403, 200, 403, 302, 200),
    },
    "comparators.Area": {
        "changelist": (302, 302, 403, 403, 200, 403, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 403, 403, 200, 403, 302, 200),
        "history": (302, 302, 403, 403, 200, 403, 302, 200),
        "delete": (302, 302, 403, 403, 200, 403, 302, 200),
    },
    "comparators.Measure": {
        "changelist": (302, 302, 403, 403, 200, 403, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 403, 403, 200, 403, 302, 200),
        "history": (302, 302, 403, 403, 200, 403, 302, 200),
        "delete": (302, 302, 403, 403, 200, 403, 302, 200),
    },
    "comparators.ComparatorGroup": {
        "changelist": (302, 302, 403, 403, 200, 403, 302, 200),
        "add": (302, 302, 403, 403, 200, 403, 302, 200),
        "change": (302, 302, 403, 403, 200, 403, 302, 200),
        "history": (302, 302, 403, 403, 200, 403, 302, 200),
        "delete": (302, 302, 403, 403, 200, 403, 302, 200),
    },
    "comparators.ComparatorValue": {
        "changelist": (302, 302, 403, 403, 200, 403, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 403),
        "change": (302, 302, 403, 403, 200, 403, 302, 200),
        "history": (302, 302, 403, 403, 200, 403, 302, 200),
        "delete": (302, 302, 403, 403, 200, 403, 302, 200),
    },
    "comparators.ImportRun": {
        "changelist": (302, 302, 403, 403, 200, 403, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 403),
        "change": (302, 302, 403, 403, 200, 403, 302, 200),
        "history": (302, 302, 403, 403, 200, 403, 302, 200),
        "delete": (302, 302, 403, 403, 200, 403, 302, 200),
    },
    "django_tasks_database.DBTaskResult": {
        "changelist": (302, 302, 403, 403, 403, 403, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 403),
        "change": (302, 302, 403, 403, 403, 403, 302, 302),
        "history": (302, 302, 302, 302, 302, 302, 302, 302),
        "delete": (302, 302, 403, 403, 403, 403, 302, 403),
    },
    "axes.AccessAttempt": {
        "changelist": (302, 302, 403, 403, 403, 403, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 403),
        "change": (302, 302, 403, 403, 403, 403, 302, 302),
        "history": (302, 302, 302, 302, 302, 302, 302, 302),
        "delete": (302, 302, 403, 403, 403, 403, 302, 302),
    },
    "axes.AccessLog": {
        "changelist": (302, 302, 403, 403, 403, 403, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 403),
        "change": (302, 302, 403, 403, 403, 403, 302, 302),
        "history": (302, 302, 302, 302, 302, 302, 302, 302),
        "delete": (302, 302, 403, 403, 403, 403, 302, 302),
    },
    "axes.AccessFailureLog": {
        "changelist": (302, 302, 403, 403, 403, 403, 302, 200),
        "add": (302, 302, 403, 403, 403, 403, 302, 403),
        "change": (302, 302, 403, 403, 403, 403, 302, 302),
        "history": (302, 302, 302, 302, 302, 302, 302, 302),
        "delete": (302, 302, 403, 403, 403, 403, 302, 302),
    },
}


def _admin_object(model, world):
    from indicators.models import Commentary, Comparator, Indicator, Target, Value
    from risks.models import Entry

    officer = world["users"]["officer"]
    owned = Indicator.objects.filter(owner=officer).order_by("pk")
    if model is Indicator:
        return owned.first()
    if model is Value:
        return Value.objects.published().filter(indicator__in=owned).order_by("pk").first()
    if model in (Commentary, Target, Comparator):
        return model.objects.filter(indicator__in=owned).order_by("pk").first()
    if model is Entry:
        return Entry.objects.filter(owner=officer).order_by("pk").first()
    return model.objects.order_by("pk").first()


def admin_urls_for(world) -> dict[str, dict[str, tuple[str, str]]]:
    """For each registered model, its admin pages as (method, URL)."""
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    pages = {}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        obj = _admin_object(model, world)
        pk = obj.pk if obj else 0
        urls = {
            "changelist": ("get", reverse(f"{name}_changelist")),
            "add": ("get", reverse(f"{name}_add")),
            "change": ("get", reverse(f"{name}_change", args=[pk])),
            "history": ("get", reverse(f"{name}_history", args=[pk])),
            "delete": ("get", reverse(f"{name}_delete", args=[pk])),
        }
        if isinstance(model_admin, SimpleHistoryAdmin):
            version = obj.history.order_by("history_date").first().history_id
            form = reverse(f"{name}_simple_history", args=[pk, version])
            urls["history_form"] = ("get", form)
            urls["revert"] = ("post", form)
        if opts.label == "indicators.Indicator":
            urls["audit"] = ("get", reverse("admin:indicators_indicator_audit", args=[pk]))
        pages[opts.label] = urls
    return pages


def test_every_admin_model_has_an_entry():
    from django.contrib import admin

    registered = {model._meta.label for model in admin.site._registry}
    assert registered - set(ADMIN_EXPECTED) == set(), "add the new admin model to ADMIN_EXPECTED"
    assert set(ADMIN_EXPECTED) - registered == set()


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_as_every_role(demo_council_with_meetings, client, role):
    world = build_world()
    pages = admin_urls_for(world)
    column = ROLES.index(role)
    wrong = []
    for label, urls in pages.items():
        expected_pages = ADMIN_EXPECTED[label]
        assert set(urls) == set(expected_pages), label
        for page, (method, url) in urls.items():
            expected = expected_pages[page][column]
            client.logout()
            if role != "anonymous":
                client.force_login(world["users"][role])
            send = client.post if method == "post" else client.get
            response = send(url, {"_save": "Save"} if method == "post" else None)
            if response.status_code != expected:
                wrong.append(f"{label} {page} as {role}: {response.status_code}, {expected}")
    assert wrong == []
