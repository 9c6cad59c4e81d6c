"""Personas and factories shared by every test.

Alice and Bob are officers who own different indicators, Priya is in the performance team,
Clara is a clerk and Martin a committee member.
"""

import os
from decimal import Decimal

import pytest


def _user(username: str, role: str | None, *, staff: bool):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from indicators.roles import ensure_role_groups

    ensure_role_groups()
    user = get_user_model().objects.create_user(
        username=username, password="correct-horse-battery", is_staff=staff
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def alice(db):
    from indicators.roles import OFFICER

    return _user("alice", OFFICER, staff=True)


@pytest.fixture
def bob(db):
    from indicators.roles import OFFICER

    return _user("bob", OFFICER, staff=True)


@pytest.fixture
def priya(db):
    from indicators.roles import PERFORMANCE_TEAM

    return _user("priya", PERFORMANCE_TEAM, staff=True)


@pytest.fixture
def clara(db):
    from indicators.roles import CLERK

    return _user("clara", CLERK, staff=True)


@pytest.fixture
def martin(db):
    from indicators.roles import COMMITTEE_MEMBER

    return _user("martin", COMMITTEE_MEMBER, staff=False)


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider on 127.0.0.1 (tests/oidc), one per test process."""
    from tests.oidc import Provider

    with Provider.running() as provider:
        yield provider


@pytest.fixture
def sso(settings, oidc_provider):
    """Single sign-on on, with the test provider, which signs in nobody in particular
    until told who (`sso.will_say(email=...)`)."""
    from accounts.sso import forget_provider
    from tests.oidc import CLIENT_ID, CLIENT_SECRET

    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "your council account"
    settings.SSO_REQUIRED_FOR_STAFF = False
    settings.SSO_SUPERUSER_PASSWORDS = False
    forget_provider()
    oidc_provider.will_say()
    yield oidc_provider
    forget_provider()


@pytest.fixture
def make_indicator(db):
    """Build a saved indicator; keyword arguments override the defaults."""
    from indicators.models import Section, Service
    from indicators.services import save_indicator

    counter = iter(range(1, 100_000))

    def make(**fields):
        number = next(counter)
        section = (
            fields.pop("section", None)
            or Section.objects.get_or_create(name="Start Well", defaults={"order": 1})[0]
        )
        service = (
            fields.pop("service", None)
            or Service.objects.get_or_create(name="Children's Social Care")[0]
        )
        defaults = {
            "title": f"Indicator {number}",
            "unit": "percentage",
            "decimal_places": 1,
            "polarity": "high",
            "frequency": "quarterly",
            "section": section,
            "service": service,
        }
        defaults.update(fields)
        reference = defaults.pop("reference", f"T{number:03d}")
        return save_indicator(reference=reference, **defaults)

    return make


@pytest.fixture
def d():
    """Decimal from text, to keep tables of figures short."""
    return Decimal


# The demo council, built once per run, copied once per test process -------------------------
#
# Building the demo renders the committee packs (about 15 s on two cores), and a dozen modules
# want it. The first test process of a run to need it builds it once, in a transaction it rolls
# back, and keeps the rows as a fixture file (dumpdata) and the packs it rendered in the run's
# shared temporary folder; every process copies the packs into its own MEDIA_ROOT
# (scorecard/settings.py makes one per test process), which the loaded rows name.
#
# Each process then loads the rows once, into a copy of its test database kept aside for the
# rest of the run, so that a test of the demo costs a page copy or a rollback, not a load:
#
# - SQLite (an in-memory test database): the copy is an in-memory database made with sqlite3's
#   backup API. A test that asks for the demo has the copy written over its test database
#   before its transaction begins, and the test database as it was before any demo written
#   back afterwards (each a few milliseconds). Tests that commit (transactional_db, the
#   browser's live server) work the same way.
# - PostgreSQL: the copy is a database made with CREATE DATABASE ... TEMPLATE (the test
#   database), the rows loaded into it. A test of the demo runs on that database, in the
#   transaction pytest-django rolls back. A test that commits loads the rows into the test
#   database itself, as before (none in the PostgreSQL pass: the browser tests run on SQLite).
#
# A test that points MEDIA_ROOT elsewhere must call load_demo() itself.

DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "demo_council",
    "demo_council_with_meetings",
}
DEMO_FIXTURES = {"demo_council", "demo_council_with_meetings"}


def pytest_collection_modifyitems(config, items):
    """Marks `database` every test that uses the database, through a fixture at any depth or
    the django_db mark; `pytest -m database` (the PostgreSQL pass) runs only those."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if DATABASE_FIXTURES & fixtures or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.database)
        # pytest-django creates the test database only when a collected test names db,
        # transactional_db or live_server (or has the mark); the demo fixtures ask for theirs
        # at run time, so a run of only such tests would otherwise build the demo in the
        # project's own database file.
        if fixtures & DEMO_FIXTURES and not (
            fixtures & {"db", "transactional_db", "live_server"}
            or item.get_closest_marker("django_db")
        ):
            item.add_marker(pytest.mark.django_db)


def _build_demo(path, *, meetings: bool):
    """Writes the demo's rows to `path` as a fixture with natural keys: groups, people,
    permissions and content types are matched by name when loaded, so a database flushed by
    a transactional test (which recreates them under new keys) takes the rows as well."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import transaction

    from demo.council import load_demo

    with transaction.atomic():
        load_demo(meetings=meetings)
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=["contenttypes", "auth.permission", "sessions"],
            output=str(path),
            verbosity=0,
        )
        transaction.set_rollback(True)
    cache.clear()
    return path


def _load_demo_rows(path) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    if get_user_model().objects.exists():
        raise RuntimeError(
            "The demo council is loaded into an empty database: list demo_council before "
            "the fixtures that create people (alice, priya, ...)."
        )
    call_command("loaddata", str(path), verbosity=0)


def _shared_demo(tmp_path_factory, django_db_blocker, *, meetings: bool):
    """The demo's rows, built by the first test process of the run that asks and kept in the
    run's shared temporary folder (pytest-xdist gives each worker a folder inside it), with
    the packs it rendered; each process copies those files into its own MEDIA_ROOT."""
    import fcntl
    import shutil

    from django.conf import settings
    from django.test import override_settings

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / ("demo-with-meetings" if meetings else "demo")
    rows = folder / "rows.json"
    with open(shared / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the others wait while the first builds
        if not rows.exists():
            folder.mkdir(exist_ok=True)
            building = folder / "rows.json.part"
            with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=folder / "media"):
                _build_demo(building, meetings=meetings)
            building.replace(rows)
    if (folder / "media").exists():
        shutil.copytree(folder / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
    return rows


def _not_in_a_test_transaction() -> None:
    from django.db import connection

    if connection.in_atomic_block:
        raise RuntimeError(
            "The demo council is put in place before the test's transaction begins: list "
            "demo_council before db and the fixtures that create rows (alice, priya, ...)."
        )


def _forget_cached_keys() -> None:
    """Content types are cached by key; the copies may hold them under other keys than the
    database they replace (a transactional test's flush recreates them)."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _sqlite_copy(source):
    import sqlite3

    copy = sqlite3.connect(":memory:", check_same_thread=False)
    source.backup(copy)
    return copy


def _sqlite_write_over(copy) -> None:
    """Makes the test database (the same connection the live server's thread shares) what
    `copy` holds."""
    from django.db import connection

    connection.ensure_connection()
    copy.backup(connection.connection)
    _forget_cached_keys()


@pytest.fixture(scope="session")
def _sqlite_test_database_as_it_was(django_db_setup, django_db_blocker):
    """The test database before any demo was written over it."""
    from django.db import connection

    with django_db_blocker.unblock():
        _not_in_a_test_transaction()
        connection.ensure_connection()
        copy = _sqlite_copy(connection.connection)
    yield copy
    copy.close()


class _PointedAt:
    """Points the default connection at another PostgreSQL database, and back."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        from django.db import connection

        self.previous = connection.settings_dict["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = self.name
        _forget_cached_keys()
        return self

    def __exit__(self, *exc):
        from django.db import connection

        connection.close()
        connection.settings_dict["NAME"] = self.previous
        _forget_cached_keys()


def _postgres_copy(suffix: str) -> str:
    """A database made from the test database (CREATE DATABASE ... TEMPLATE), which no other
    session may be using while it is copied: a thread of an earlier test may still be closing
    its connection, so a refusal is tried again for a few seconds."""
    import time

    from django.db import OperationalError, connection, connections

    source = connection.settings_dict["NAME"]
    target = f"{source}_{suffix}"
    for attempt in range(20):
        connections.close_all()
        try:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
                cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
            return target
        except OperationalError as error:
            if "being accessed by other users" not in str(error) or attempt == 19:
                raise
            time.sleep(0.25)
    raise AssertionError("unreachable")


def _postgres_drop(name: str) -> None:
    from django.db import connection, connections

    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _demo_copy(request, django_db_blocker, rows, *, meetings: bool):
    """This process's copy of its test database with the demo's rows loaded: on SQLite an
    in-memory database, on PostgreSQL the name of a database."""
    from django.db import connection, transaction

    suffix = "demo_with_meetings" if meetings else "demo"
    with django_db_blocker.unblock():
        _not_in_a_test_transaction()
        if connection.vendor == "sqlite":
            as_it_was = request.getfixturevalue("_sqlite_test_database_as_it_was")
            with transaction.atomic():
                _load_demo_rows(rows)
            copy = _sqlite_copy(connection.connection)
            _sqlite_write_over(as_it_was)
            yield copy
            copy.close()
        else:
            name = _postgres_copy(suffix)
            with _PointedAt(name), transaction.atomic():
                _load_demo_rows(rows)
            yield name
            _postgres_drop(name)


@pytest.fixture(scope="session")
def _demo_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo without meetings, built before the test's own transaction begins."""
    return _shared_demo(tmp_path_factory, django_db_blocker, meetings=False)


@pytest.fixture(scope="session")
def _demo_rows_with_meetings(django_db_setup, django_db_blocker, tmp_path_factory):
    return _shared_demo(tmp_path_factory, django_db_blocker, meetings=True)


@pytest.fixture(scope="session")
def _demo_copy_without_meetings(request, django_db_blocker, _demo_rows):
    yield from _demo_copy(request, django_db_blocker, _demo_rows, meetings=False)


@pytest.fixture(scope="session")
def _demo_copy_with_meetings(request, django_db_blocker, _demo_rows_with_meetings):
    yield from _demo_copy(request, django_db_blocker, _demo_rows_with_meetings, meetings=True)


@pytest.fixture
def demo_council(request, _demo_rows):
    """The demo council without its committee meetings, as load_demo(meetings=False) leaves
    it. Works with db and with transactional_db (the browser tests)."""
    _database(request, _demo_rows)


@pytest.fixture
def demo_council_with_meetings(request, _demo_rows_with_meetings):
    """The whole demo council, its packs rendered, as load_demo() leaves it."""
    _database(request, _demo_rows_with_meetings)


def _transactional(request) -> bool:
    """Whether the test commits, as pytest-django decides it."""
    marker = request.node.get_closest_marker("django_db")
    marked = marker is not None and bool(
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    return marked or bool({"transactional_db", "live_server"} & set(request.fixturenames))


def _database(request, rows) -> None:
    """The test's database, with the demo in place (_demo_in_place, through the database
    fixtures), or on PostgreSQL for a test that commits, the demo's rows loaded."""
    from django.db import connection

    if _transactional(request):
        request.getfixturevalue("transactional_db")
        if connection.vendor != "sqlite":
            _load_demo_rows(rows)
    else:
        request.getfixturevalue("db")


@pytest.fixture
def _demo_in_place(request, django_db_blocker):
    """For a test of the demo, this process's copy of it in place of the test database before
    the test's transaction begins, and the test database put back after its rollback (or
    flush): requested by pytest-django's database fixture (below), which it wraps."""
    from django.db import connection

    wanted = DEMO_FIXTURES & set(request.fixturenames)
    if not wanted:
        yield
        return
    if len(wanted) > 1:
        raise RuntimeError("A test has the demo council with its meetings or without: not both.")
    with_meetings = wanted == {"demo_council_with_meetings"}
    copy = request.getfixturevalue(
        "_demo_copy_with_meetings" if with_meetings else "_demo_copy_without_meetings"
    )
    if connection.vendor == "sqlite":
        as_it_was = request.getfixturevalue("_sqlite_test_database_as_it_was")
        with django_db_blocker.unblock():
            _not_in_a_test_transaction()
            _sqlite_write_over(copy)
        try:
            yield
        finally:
            with django_db_blocker.unblock():
                _sqlite_write_over(as_it_was)
    elif _transactional(request):
        yield  # the rows are loaded into the test database (_database)
    else:
        with django_db_blocker.unblock():
            _not_in_a_test_transaction()
        with _PointedAt(copy):
            yield


@pytest.fixture
def _django_db_helper(_demo_in_place, _django_db_helper):
    """pytest-django's fixture behind db, transactional_db and the django_db mark, which begins
    the test's transaction (or, for a test that commits, flushes the database afterwards),
    with the demo put in place before it and put away after it."""
    yield _django_db_helper


class Inbox:
    """What a real SMTP server (aiosmtpd, on 127.0.0.1) received, as parsed messages.
    `refuse` answers that many messages with a temporary failure first, as a busy relay
    does."""

    def __init__(self):
        self.messages = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Mail server busy, try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message) -> str:
        return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server for the test, with Django's SMTP backend pointed at it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()
