"""What the app does when something it depends on fails: the page a visitor gets when the
database is away (503, try again shortly) or anything else breaks (500), and the task
workers taking back the work a dead worker left running."""

import logging
import sys
import traceback

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from meetings.tasks import fail_stopped_issues
from operations.models import WORKER_STALE_AFTER, WorkerHeartbeat

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# A task whose worker died is run again once; if its worker dies again, it has failed.
MAX_ATTEMPTS = 2


# Error pages ------------------------------------------------------------------------------


def database_unavailable(error: BaseException | None) -> bool:
    """Whether an error (or one it was raised from) says the database cannot be reached:
    refused, lost mid-request, or closed under us."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def server_error(request) -> HttpResponse:
    """handler500. Django logs the error with its traceback as it sends the answer
    (`django.request`: "Service Unavailable: /path"). Neither page touches the database or
    the signed-in user, which may be what failed."""
    if database_unavailable(sys.exc_info()[1]):
        response = _page("503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = _page("500.html", status=500)
    add_never_cache_headers(response)
    return response


def _page(template: str, *, status: int) -> HttpResponse:
    try:
        body = loader.get_template(template).render({"council_name": settings.COUNCIL_NAME})
    except Exception:  # noqa: BLE001 - an error page must not fail in turn
        log.exception("The %s error page could not be rendered", status)
        body = "<!DOCTYPE html><title>Sorry</title><h1>Sorry, there is a problem.</h1>"
    return HttpResponse(body, status=status)


# Work left by a dead worker ---------------------------------------------------------------


class WorkerLost(Exception):
    """The worker running a task stopped (killed, or its machine lost) before it finished."""


def recover_abandoned_tasks(*, lost_worker: str | None = None) -> None:
    """Tasks still marked running whose worker has sent no heartbeat for a minute (or is
    `lost_worker`, a worker that knows it dropped what it ran) are queued again, once; a
    second time they have failed. Then any issue of papers whose render so ended is marked
    failed, for the clerk to see and publish again."""

    # Running tasks before heartbeats: a worker beats before it claims a task, so one that
    # claimed a task listed here has beaten by the time the heartbeats are read.
    running = list(DBTaskResult.objects.running())
    recent = timezone.now() - WORKER_STALE_AFTER
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=recent).values_list("worker_id", flat=True)
    )
    alive.discard(lost_worker)
    for task in running:
        worker = task.worker_ids[-1] if task.worker_ids else None
        if worker in alive:
            continue
        # Unless another worker has just done the same, or the task has been claimed again.
        same = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        attempts = len(task.worker_ids)
        if attempts < MAX_ATTEMPTS:
            if same.update(status=TaskResultStatus.READY):
                log.warning(
                    "Task %s (%s) was left running by worker %s, which stopped: queued again",
                    task.pk,
                    task.task_path,
                    worker,
                )
            continue
        error = WorkerLost(f"The worker running the task stopped ({attempts} attempts).")
        if same.update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            return_value=None,
            exception_class_path=f"{__name__}.{WorkerLost.__qualname__}",
            traceback="".join(traceback.format_exception(error)),
        ):
            log.error("Task %s (%s) failed: %s", task.pk, task.task_path, error)
    fail_stopped_issues()
