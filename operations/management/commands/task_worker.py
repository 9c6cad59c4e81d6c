"""The task worker of the production profile: django-tasks-db's db_worker, plus a heartbeat
that /readyz reads, recovery of the tasks a dead worker left running, and patience when the
database goes away."""

import logging
import threading
import time

from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from operations.faults import recover_abandoned_tasks
from operations.models import WorkerHeartbeat

BEAT_SECONDS = 10
RECONNECT_SECONDS = 5

log = logging.getLogger(__name__)


class Command(DbWorker):
    help = "Run the task worker (agenda pack rendering), reporting a heartbeat for /readyz."

    def handle(self, *args, **options):
        worker_id = options["worker_id"]
        started = timezone.now()
        stop = threading.Event()
        beat = threading.Thread(target=_beat, args=(worker_id, started, stop), daemon=True)
        beat.start()
        try:
            while True:
                try:
                    # Beat before claiming anything, so no other worker takes this one for
                    # dead; and take back what this worker ran if the database dropped it.
                    _record_beat(worker_id, started)
                    recover_abandoned_tasks(lost_worker=worker_id)
                    return super().handle(*args, **options)
                except (OperationalError, InterfaceError):
                    log.exception(
                        "The database is unavailable; trying again in %s s", RECONNECT_SECONDS
                    )
                    connection.close()
                    time.sleep(RECONNECT_SECONDS)
        finally:
            stop.set()
            beat.join(timeout=BEAT_SECONDS)
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _record_beat(worker_id: str, started) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": timezone.now(), "started_at": started}
    )


def _beat(worker_id: str, started, stop: threading.Event) -> None:
    try:
        while not stop.wait(BEAT_SECONDS):
            close_old_connections()
            try:
                _record_beat(worker_id, started)
                # Another worker may have died with a task: this one takes it back.
                recover_abandoned_tasks()
            except Exception as error:  # noqa: BLE001 - the database may be away
                log.warning("No heartbeat (%s); trying again in %s s", error, BEAT_SECONDS)
                connection.close()
    finally:
        connection.close()
