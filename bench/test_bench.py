"""`make bench`: prints `bench <name>: <figure>` lines. Not part of `make test`."""

import random
import statistics
import time
from decimal import Decimal

from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, published_commentary
from indicators.rag import Polarity, TargetSpec, Tolerance, rate
from published_rows.models import StoredQuarter
from reporting.comparators import Benchmarks
from reporting.plans import plans_by_indicator
from reporting.scorecard import build_rows
from tests.factories import bulk_scorecard
from tests.test_admin import build_indicators, changelist_queries

RUNS = 7
MINIMAL = Template(
    "<table>{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}"
    "</tr>{% endfor %}</table>"
)


def report(name: str, figure) -> None:
    print(f"\nbench {name}: {figure}")


def median_seconds(action, runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_rating_speed():
    rng = random.Random(7)
    cases = [
        (
            Decimal(rng.randint(0, 10_000)) / 100,
            rng.choice(
                [
                    TargetSpec.year_end(Decimal("50")),
                    TargetSpec.between(Decimal("40"), Decimal("60")),
                    TargetSpec.relative_to_baseline(baseline=Decimal("45"), change=Decimal("5")),
                    None,
                ]
            ),
            rng.choice([Polarity.HIGH, Polarity.LOW]),
            rng.choice(
                [None, Tolerance("absolute", Decimal("2")), Tolerance("relative", Decimal("5"))]
            ),
        )
        for _ in range(100_000)
    ]
    started = time.perf_counter()
    ratings = [rate(value, target, polarity, tol) for value, target, polarity, tol in cases]
    elapsed = time.perf_counter() - started
    assert len(ratings) == 100_000
    report("rate_100k_values_us_per_value", f"{elapsed / 100_000 * 1e6:.2f}")


def test_admin_changelist_queries_30(client, priya, make_indicator):
    build_indicators(make_indicator, priya, 30)
    client.force_login(priya)
    report("admin_changelist_queries_30_indicators_20_periods", changelist_queries(client))


def test_admin_changelist_queries_300(client, priya, make_indicator):
    build_indicators(make_indicator, priya, 300)
    client.force_login(priya)
    report("admin_changelist_queries_300_indicators_20_periods", changelist_queries(client))


def test_scorecard_page(client, make_indicator):
    """The page of a published quarter, read from the rows stored when it was published,
    and (for the performance team's view of a quarter not yet stored) worked out live."""
    from published_rows.services import store_quarter

    bulk_scorecard(make_indicator, 30)
    quarter = client.get("/scorecard/").context["quarter"]
    store_quarter(quarter)
    report("scorecard_page_queries_30_indicators", queries(client, "/scorecard/"))
    bulk_scorecard(make_indicator, 270)
    store_quarter(quarter)
    report("scorecard_page_queries_300_indicators", queries(client, "/scorecard/"))
    page = median_seconds(lambda: client.get("/scorecard/"))
    rows = build_rows(list(Indicator.objects.for_report()), quarter)
    cells = [
        [
            r.indicator.title,
            r.indicator.polarity,
            *[c.text for c in r.history],
            r.current.text,
            r.target,
            r.rag_word,
            r.direction_word,
            r.comparators.get("England average", "-"),
        ]
        for r in rows
    ]
    baseline = median_seconds(lambda: MINIMAL.render(Context({"rows": cells})))
    report("scorecard_page_300_indicators_20_periods_median_seconds", f"{page:.3f}")
    StoredQuarter.objects.all().delete()
    live = median_seconds(lambda: client.get("/scorecard/"))
    report("scorecard_page_300_worked_out_live_median_seconds", f"{live:.3f}")
    store_quarter(quarter)
    report("scorecard_page_300_overhead_ratio_vs_minimal_template", f"{page / baseline:.1f}")
    html = client.get("/scorecard/").content
    sent = client.get("/scorecard/", HTTP_ACCEPT_ENCODING="gzip").content
    report("scorecard_page_300_html_kilobytes", f"{len(html) / 1024:.0f}")
    report("scorecard_page_300_html_kilobytes_sent_gzipped", f"{len(sent) / 1024:.0f}")


def test_indicator_page(client, make_indicator):
    bulk_scorecard(make_indicator, 1, periods=20)
    indicator = Indicator.objects.get()
    url = f"/indicators/{indicator.reference}/"
    report("indicator_page_queries_20_periods", queries(client, url))
    page = median_seconds(lambda: client.get(url))
    _, table = client.get(url).context["tables"][0]
    cells = [[str(row.get_cell(c.name)) for c in table.columns] for row in table.rows]
    baseline = median_seconds(lambda: MINIMAL.render(Context({"rows": cells})))
    report("indicator_page_20_periods_median_seconds", f"{page:.3f}")
    report("indicator_page_overhead_ratio_vs_minimal_template", f"{page / baseline:.1f}")

    def reads():
        """The page's eight queries alone, as the view makes them, with nothing drawn."""
        shown = (
            Indicator.objects.for_report()
            .prefetch_related(published_commentary())
            .get(reference=indicator.reference)
        )
        Benchmarks([shown]).by_indicator.get(shown.pk)
        plans_by_indicator([shown.pk])

    report(
        "indicator_page_reads_only_ratio_vs_minimal_template",
        f"{median_seconds(reads) / baseline:.1f}",
    )
    # The floor of any page: a request through the middleware, the session and the site's
    # layout with next to nothing in it (the sign-in page), against the same minimal table.
    floor = median_seconds(lambda: client.get("/accounts/login/"))
    report("sign_in_page_median_seconds", f"{floor:.3f}")
    report("sign_in_page_ratio_vs_minimal_template", f"{floor / baseline:.1f}")


def _return_workbook(make_indicator, owner, how_many: int) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    from indicators.periods import FinancialQuarter
    from returns.workbook import HEADERS

    quarters = [FinancialQuarter(2013 + i // 4, i % 4 + 1) for i in range(20)]
    book = Workbook()
    sheet = book.active
    sheet.title = "Start Well"
    sheet.append(HEADERS)
    for number in range(how_many):
        indicator = make_indicator(owner=owner, unit="count", decimal_places=0)
        for n, quarter in enumerate(quarters):
            figure = f"{1000 + number * 7 + n:,}"
            sheet.append(
                [
                    indicator.reference,
                    indicator.title,
                    str(quarter),
                    "Count",
                    "",
                    "",
                    figure,
                    "",
                    "Final",
                    "",
                    "",
                    "",
                ]
            )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_queries_50_indicators_by_20_periods(priya, make_indicator):
    from returns.workbook import import_figures

    data = _return_workbook(make_indicator, priya, 50)
    with CaptureQueriesContext(connection) as captured:
        assert import_figures(data, by=priya).created == 1_000
    report("import_1000_values_queries", len(captured))


def test_import_500_indicators_by_20_periods(priya, make_indicator):
    from returns.workbook import import_figures, read_sheets

    data = _return_workbook(make_indicator, priya, 500)
    read = median_seconds(lambda: read_sheets(data))
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        result = import_figures(data, by=priya)
    elapsed = time.perf_counter() - started
    assert not result.problems and result.created == 10_000
    floor = _insert_floor_seconds(priya)
    report("import_10000_values_seconds", f"{elapsed:.2f}")
    report("import_10000_values_queries", len(captured))
    report("import_10000_values_ratio_to_reading_only", f"{elapsed / read:.1f}")
    report("import_10000_values_insert_floor_seconds", f"{floor:.2f}")
    report("import_10000_values_ratio_to_insert_floor", f"{elapsed / floor:.1f}")


class _RolledBack(Exception):
    pass


def _insert_floor_seconds(by) -> float:
    """The database-insert floor of that import: the same 10,000 figures (as new revisions
    of the ones just imported) and their history rows written by the import's own writer,
    `scorecard.bulk.create_objects_with_history`, and nothing else, each run rolled back."""
    from django.db import transaction

    from indicators.models import Value
    from scorecard.bulk import create_objects_with_history

    held = list(Value.objects.filter(revision=1))
    assert len(held) == 10_000
    timings = []
    for _ in range(3):
        rows = [
            Value(
                indicator_id=v.indicator_id,
                period=v.period,
                period_start=v.period_start,
                period_end=v.period_end,
                value=v.value,
                revision=2,
                is_current=False,
            )
            for v in held
        ]
        try:
            with transaction.atomic():
                started = time.perf_counter()
                create_objects_with_history(
                    Value, rows, key=["indicator_id", "period", "revision"], by=by
                )
                timings.append(time.perf_counter() - started)
                raise _RolledBack
        except _RolledBack:
            pass
    return statistics.median(timings)


def test_register_page_and_pdf(client, martin):
    from pypdf import PdfReader

    from tests.factories import bulk_register

    client.force_login(martin)
    bulk_register(20)
    report("risk_register_page_queries_20_entries", queries(client, "/risks/"))
    bulk_register(180, start=100)
    report("risk_register_page_queries_200_entries", queries(client, "/risks/"))
    started = time.perf_counter()
    response = client.get("/risks/report.pdf")
    elapsed = time.perf_counter() - started
    pages = len(PdfReader(__import__("io").BytesIO(response.content)).pages)
    report("risk_register_pdf_200_entries_pages", pages)
    report("risk_register_pdf_seconds_per_page", f"{elapsed / pages:.3f}")


def test_scorecard_spc_300_indicators_60_points(client, make_indicator):
    from indicators.periods import FinancialQuarter

    bulk_scorecard(make_indicator, 300, periods=60)
    quarter = FinancialQuarter(2013 + 59 // 4, 59 % 4 + 1)
    url = f"/scorecard/?year={quarter.financial_year}&period=Q{quarter.quarter}"
    page = median_seconds(lambda: client.get(url))
    indicators = list(Indicator.objects.for_report(quarter))
    with CaptureQueriesContext(connection) as with_spc:
        rows = build_rows(indicators, quarter, with_spc=True)
    with CaptureQueriesContext(connection) as without_spc:
        build_rows(indicators, quarter, with_spc=False)
    assert sum(1 for r in rows if r.variation is not None) == 300
    added = median_seconds(lambda: build_rows(indicators, quarter)) - median_seconds(
        lambda: build_rows(indicators, quarter, with_spc=False)
    )
    report("scorecard_spc_added_queries_300x60", len(with_spc) - len(without_spc))
    report("scorecard_spc_300x60_page_median_seconds", f"{page:.3f}")
    report("scorecard_spc_added_time_ratio", f"{page / (page - added):.2f}")


def test_recovery_plans_list_500_plans_5000_actions(client, make_indicator, priya):
    from recovery_plans.models import RecoveryPlan
    from tests.factories import bulk_plans

    indicators = [make_indicator(owner=priya) for _ in range(20)]
    client.force_login(priya)
    bulk_plans(50, 10, indicators=indicators, owner=priya)
    report("recovery_plans_list_queries_50_plans", queries(client, "/recovery-plans/"))
    bulk_plans(450, 10, indicators=indicators, owner=priya, start=51)
    report("recovery_plans_list_queries_500_plans", queries(client, "/recovery-plans/"))
    report(
        "recovery_plans_list_500_plans_median_seconds",
        f"{median_seconds(lambda: client.get('/recovery-plans/')):.3f}",
    )
    report("recovery_plans_due_view_queries", queries(client, "/recovery-plans/due/"))
    plan = RecoveryPlan.objects.order_by("pk").first()
    report("recovery_plan_page_queries_10_actions", queries(client, plan.get_absolute_url()))


def test_recovery_plan_pdf_seconds_per_page(client, make_indicator, priya):
    from pypdf import PdfReader

    from recovery_plans.models import RecoveryPlan
    from tests.factories import bulk_plans

    client.force_login(priya)
    bulk_plans(1, 100, indicators=[make_indicator(owner=priya)], owner=priya)
    plan = RecoveryPlan.objects.get()
    report("recovery_plan_page_queries_100_actions", queries(client, plan.get_absolute_url()))
    started = time.perf_counter()
    response = client.get(f"/recovery-plans/{plan.pk}/plan.pdf")
    elapsed = time.perf_counter() - started
    pages = len(PdfReader(__import__("io").BytesIO(response.content)).pages)
    report("recovery_plan_pdf_100_actions_pages", pages)
    report("recovery_plan_pdf_seconds_per_page", f"{elapsed / pages:.3f}")


def _chromium_pdf_seconds(html: str, workdir) -> float:
    """Chromium's headless print-to-PDF of the same HTML, for comparison."""
    import subprocess

    source = workdir / "pack.html"
    source.write_text(html, encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(
        [
            "/usr/bin/chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={workdir / 'pack.pdf'}",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elapsed = time.perf_counter() - started
    assert (workdir / "pack.pdf").stat().st_size > 1000
    return elapsed


def _pack_seconds(meeting) -> tuple[float, int, str]:
    """Seconds to render the public pack as the worker does, its pages, and its body HTML."""
    from meetings import selectors, tasks
    from meetings.pack import pack_body_html, pack_context, render_pack

    items = [i for i in selectors.items_queryset(meeting) if i.part == 1]
    tasks.prepare_appendices(items)
    started = time.perf_counter()
    rendered = render_pack(meeting, items, full=False)
    elapsed = time.perf_counter() - started
    html = pack_body_html(pack_context(meeting, items, full=False))
    return elapsed, rendered.pages + rendered.front_pages, html


def test_agenda_pack_rendering(db, client, tmp_path, monkeypatch):
    """The demo pack, a 100-page pack, seconds per page, the ratio to Chromium printing the
    same HTML, and downloading a published pack (a stored file: the renderer is not run)."""
    import weasyprint

    from demo.council import load_demo
    from meetings import selectors
    from meetings.models import Meeting
    from tests.factories import agenda

    load_demo()
    demo = Meeting.objects.get(starts_at__date="2018-06-27")
    seconds, pages, _ = _pack_seconds(demo)
    report("agenda_pack_demo_pages", pages)
    report("agenda_pack_demo_seconds", f"{seconds:.2f}")
    report("agenda_pack_demo_seconds_per_page", f"{seconds / pages:.3f}")

    big = agenda(reports=[f"Report {n}" for n in range(1, 6)], background_paragraphs=112)
    seconds, pages, html = _pack_seconds(big)
    report("agenda_pack_100_pages_pages", pages)
    report("agenda_pack_100_pages_seconds", f"{seconds:.2f}")
    report("agenda_pack_100_pages_seconds_per_page", f"{seconds / pages:.3f}")
    started = time.perf_counter()
    weasyprint.HTML(string=html).write_pdf()
    weasy = time.perf_counter() - started
    chromium = _chromium_pdf_seconds(html, tmp_path)
    report("agenda_pack_100_pages_chromium_seconds", f"{chromium:.2f}")
    report("agenda_pack_100_pages_ratio_to_chromium", f"{weasy / chromium:.2f}")

    issue = selectors.current_issue(demo)
    calls = []
    real = weasyprint.HTML
    monkeypatch.setattr(weasyprint, "HTML", lambda *a, **k: calls.append(1) or real(*a, **k))

    def download():
        response = client.get(f"/meetings/{demo.pk}/pack.pdf")
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[:5] == b"%PDF-"

    report("agenda_pack_download_seconds", f"{median_seconds(download):.4f}")
    report("agenda_pack_download_renders", len(calls))
    assert issue.public_pages > 0


def test_sign_in_cpu(client, settings, django_user_model):
    """Processor time of one sign-in through the login page with the production hashers
    (Argon2id, OWASP's parameters), and of checking a password stored with Django's PBKDF2
    default in the same run."""
    settings.PASSWORD_HASHERS = settings.PRODUCTION_PASSWORD_HASHERS
    django_user_model.objects.create_user("signer", password="correct-horse-battery")

    def sign_in():
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": "signer", "password": "correct-horse-battery"}
        )
        assert response.status_code == 302

    def cpu(action) -> float:
        timings = []
        for _ in range(RUNS):
            started = time.process_time()
            action()
            timings.append(time.process_time() - started)
        return statistics.median(timings)

    old = PBKDF2PasswordHasher().encode("correct-horse-battery", "seasalt0123456789")
    report("sign_in_cpu_seconds", round(cpu(sign_in), 3))
    report(
        "sign_in_cpu_seconds_pbkdf2_check_only",
        round(cpu(lambda: check_password("correct-horse-battery", old)), 3),
    )


def _generated_council(make_indicator, how_many: int = 60, years: int = 8) -> list:
    """Indicators with a seasonal pattern, a trend and noise, quarterly, over `years`
    complete years: sums (counts), means (percentages) and latest figures (snapshots)."""
    from indicators.models import Target, Value
    from indicators.periods import FinancialYear

    rng = random.Random(11)
    values, targets, made = [], [], []
    for number in range(how_many):
        aggregation = ("sum", "mean", "latest")[number % 3]
        unit = "count" if aggregation == "sum" else "percentage"
        indicator = make_indicator(unit=unit, aggregation=aggregation, decimal_places=1)
        made.append(indicator)
        level = rng.uniform(40, 60) if unit == "percentage" else rng.uniform(500, 2000)
        season = [rng.uniform(-0.1, 0.1) for _ in range(4)]
        trend, noise = rng.uniform(-0.01, 0.01), rng.uniform(0.01, 0.06)
        walk = 0.0
        for y in range(years):
            year = FinancialYear(2010 + y)
            for q, quarter in enumerate(year.quarters()):
                step = y * 4 + q
                walk += rng.gauss(0, noise / 2) if aggregation == "latest" else 0
                figure = level * (1 + trend * step + season[q] + walk + rng.gauss(0, noise))
                if unit == "percentage":
                    figure = min(max(figure, 0), 100)
                values.append(
                    Value(
                        indicator=indicator,
                        period=quarter,
                        period_start=quarter.start,
                        period_end=quarter.end,
                        value=Decimal(f"{max(figure, 0):.1f}"),
                        state="published",
                    )
                )
            targets.append(
                Target(indicator=indicator, year=year, kind="year_end", value=Decimal(50))
            )
    Value.objects.bulk_create(values)
    Target.objects.bulk_create(targets)
    return made


def test_forecast_range_coverage(db, make_indicator):
    """How often the forecast's "likely" range held the outturn, over every complete past
    year of the demo council and of a generated one (stated: 8 in 10)."""
    from demo.council import load_demo
    from reporting.forecast import backtest

    load_demo(meetings=False)
    demo = backtest(list(Indicator.objects.for_report()))
    ids = [i.pk for i in _generated_council(make_indicator)]
    generated = backtest(list(Indicator.objects.for_report().filter(pk__in=ids)))
    inside, total = demo.inside + generated.inside, demo.forecasts + generated.forecasts
    assert demo.forecasts and generated.forecasts
    for name, result in (("_demo", demo), ("_generated", generated)):
        report(
            f"forecast_range_coverage{name}",
            f"{result.coverage:.2f} ({result.forecasts} forecasts, stated 0.80)",
        )
    report("forecast_range_coverage", f"{inside / total:.2f} ({total} forecasts, stated 0.80)")
