"""The layers of ARCHITECTURE.md, checked on the import graph: a module imports only from
its own layer or the layers below it, only URL modules import a `views.py`, the rules
import nothing of Django, and no import of the project's own code hides inside a function.

Every module belongs to exactly one layer (the first pattern it matches), so a new module
fails here until it is given its place."""

import ast
import fnmatch
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "accounts",
    "comparators",
    "demo",
    "indicators",
    "meetings",
    "notifications",
    "onboarding",
    "operations",
    "published_rows",
    "recovery_plans",
    "reporting",
    "returns",
    "risks",
    "scorecard",
    "spreadsheets",
    "timetable",
]

# From the top down. A layer may import its own and every layer below it.
LAYERS: list[tuple[str, list[str]]] = [
    (
        "entry points",
        [
            "*.urls",
            "*.admin",
            "*.apps",
            "*.management.commands.*",
            "demo.*",
            "*.demo",
            "scorecard.settings",
            "scorecard.wsgi",
            "scorecard.asgi",
        ],
    ),
    (
        "pages",
        [
            "*.views",
            "*.forms",
            "*.tables",
            "*.templatetags.*",
            "scorecard.context_processors",
            "scorecard.history_admin",
            "scorecard.dates",
            "scorecard.forms",
            "operations.middleware",
        ],
    ),
    (
        "services",
        [
            "*.services",
            "accounts.sso",
            "accounts.backends",
            "returns.*",
            "onboarding.*",
            "comparators.imports",
            "timetable.progress",
            "timetable.reminders",
            "meetings.tasks",
            "published_rows.tasks",
            "notifications.tasks",
            "meetings.pack",
            "operations.faults",
            "operations.backup",
        ],
    ),
    (
        "reporting",
        ["reporting.*", "meetings.selectors", "meetings.calendar", "recovery_plans.calendar"],
    ),
    (
        "models",
        [
            "*.models",
            "*.fields",
            "*.permissions",
            "indicators.roles",
            "indicators.audit",
            "notifications.notices",
            "meetings.uploads",
        ],
    ),
    (
        "rules",
        [
            "indicators.periods",
            "indicators.rag",
            "indicators.formatting",
            "indicators.numbers",
            "indicators.derived",
            "indicators.forecast",
            "indicators.spc",
            "risks.scoring",
            "recovery_plans.dates",
            "recovery_plans.rules",
            "timetable.working_days",
            "comparators.formats",
            "comparators.ranking",
            "spreadsheets.*",
            "scorecard.bulk",
            "scorecard.saving",
            "scorecard.hashers",
            "scorecard.env",
            "scorecard.pdf",
            "operations.jsonlog",
            "operations.security",
            "operations.pending_uploads",
        ],
    ),
]
RANK = {name: rank for rank, (name, _) in enumerate(LAYERS)}
# Plain Python: no Django, so the rules can be read and tested on their own.
NO_DJANGO = {
    "indicators.periods",
    "indicators.rag",
    "indicators.formatting",
    "indicators.numbers",
    "indicators.derived",
    "indicators.forecast",
    "indicators.spc",
    "risks.scoring",
    "recovery_plans.dates",
    "timetable.working_days",
    "comparators.formats",
    "comparators.ranking",
}


def layer_of(module: str) -> str | None:
    for name, patterns in LAYERS:
        if any(fnmatch.fnmatchcase(module, pattern) for pattern in patterns):
            return name
    return None


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*PACKAGES, include_external_packages=True)


def _modules(graph) -> list[str]:
    return sorted(
        m
        for m in graph.modules
        if m.split(".")[0] in PACKAGES
        and ".migrations" not in m
        and m not in PACKAGES
        and not m.endswith((".management", ".management.commands", ".templatetags"))
    )


def test_every_module_has_a_layer(graph):
    assert [m for m in _modules(graph) if layer_of(m) is None] == []


def upward_imports(graph, modules) -> list[str]:
    wrong = []
    for module in modules:
        here = RANK[layer_of(module)]
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            there = layer_of(imported)
            if there is not None and RANK[there] < here:
                wrong.append(f"{module} ({layer_of(module)}) imports {imported} ({there})")
    return wrong


def test_no_module_imports_a_layer_above_it(graph):
    assert upward_imports(graph, _modules(graph)) == []


def test_only_url_modules_import_views(graph):
    wrong = [
        f"{module} imports {imported}"
        for module in _modules(graph)
        if not module.endswith(".urls")
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.endswith(".views")
    ]
    assert wrong == []


def test_rules_import_nothing_of_django(graph):
    wrong = [
        f"{module} imports {imported}"
        for module in sorted(NO_DJANGO)
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.split(".")[0] in {"django", "simple_history", "django_tables2"}
        or (imported.split(".")[0] in PACKAGES and imported not in NO_DJANGO)
    ]
    assert wrong == []


def test_no_import_of_the_project_hides_in_a_function():
    """An import inside a function is how a cycle is dodged; the layers make cycles
    impossible instead. `AppConfig.ready` is the one place Django asks for one."""
    hidden = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if path.name == "apps.py" and node.name == "ready":
                    continue
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and inner.module:
                        names = [inner.module]
                    elif isinstance(inner, ast.Import):
                        names = [alias.name for alias in inner.names]
                    else:
                        continue
                    for name in names:
                        if name.split(".")[0] in PACKAGES:
                            where = path.relative_to(ROOT)
                            hidden.append(f"{where}:{inner.lineno} imports {name}")
    assert hidden == []


def test_the_layer_check_catches_an_upward_import(tmp_path, monkeypatch):
    """The check itself can fail: a model module that imports a view is reported."""
    package = tmp_path / "townhall"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text("")
    (package / "models.py").write_text("from townhall import views\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    fake = grimp.build_graph("townhall", cache_dir=None)
    assert upward_imports(fake, ["townhall.models", "townhall.views"]) == [
        "townhall.models (models) imports townhall.views (pages)"
    ]
