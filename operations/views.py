"""/healthz: the app answers and its database does. /readyz: also the database takes
writes, every migration is applied and a task worker is alive. Both are plain JSON for a
load balancer or an orchestrator.

A read-only database (a PostgreSQL standby or `default_transaction_read_only`, a SQLite
file on a read-only volume) is a readiness failure, not a liveness one: the balancer should
stop sending officers who would save figures, but restarting the process would not help,
so /healthz stays about the process and the database answering."""

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from operations.models import WORKER_STALE_AFTER, WorkerHeartbeat


def _database_up() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _database_writable() -> bool:
    """A write that matches no row, rolled back: both databases refuse it when they are
    read-only (PostgreSQL before it looks for rows), and it leaves nothing behind: no row,
    no sequence number, no dead tuple."""
    connection = connections[DEFAULT_DB_ALIAS]
    table = connection.ops.quote_name(WorkerHeartbeat._meta.db_table)
    column = connection.ops.quote_name(WorkerHeartbeat._meta.pk.column)
    try:
        with transaction.atomic(using=DEFAULT_DB_ALIAS), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = {column} WHERE 1 = 0")
            transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
    except DatabaseError:
        return False
    return True


@never_cache
def healthz(request):
    up = _database_up()
    return JsonResponse(
        {"status": "ok" if up else "unavailable", "database": "up" if up else "down"},
        status=200 if up else 503,
    )


@never_cache
def readyz(request):
    checks = {"database": _database_up()}
    if checks["database"]:
        checks["writes"] = _database_writable()
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = not pending
        recent = timezone.now() - WORKER_STALE_AFTER
        checks["worker"] = WorkerHeartbeat.objects.filter(seen_at__gte=recent).exists()
    else:
        checks["writes"] = checks["migrations"] = checks["worker"] = False
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ready" if ready else "not ready",
            **{name: "ok" if ok else "failing" for name, ok in checks.items()},
        },
        status=200 if ready else 503,
    )
