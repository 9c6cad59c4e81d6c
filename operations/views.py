"""/healthz: the app answers and its database does. /readyz: also every migration applied
and a task worker alive. Both are plain JSON for a load balancer or an orchestrator."""

from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from operations.models import WorkerHeartbeat

WORKER_STALE_AFTER = timedelta(seconds=60)


def _database_up() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


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
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = not pending
        recent = timezone.now() - WORKER_STALE_AFTER
        checks["worker"] = WorkerHeartbeat.objects.filter(seen_at__gte=recent).exists()
    else:
        checks["migrations"] = checks["worker"] = False
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ready" if ready else "not ready",
            **{name: "ok" if ok else "failing" for name, ok in checks.items()},
        },
        status=200 if ready else 503,
    )
