"""The task worker of the production profile: django-tasks-db's db_worker, plus a heartbeat
that /readyz reads."""

import threading

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from operations.models import WorkerHeartbeat

BEAT_SECONDS = 10


class Command(DbWorker):
    help = "Run the task worker (agenda pack rendering), reporting a heartbeat for /readyz."

    def handle(self, *args, **options):
        worker_id = options["worker_id"]
        stop = threading.Event()
        beat = threading.Thread(target=_beat, args=(worker_id, stop), daemon=True)
        beat.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
            beat.join(timeout=BEAT_SECONDS)
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _beat(worker_id: str, stop: threading.Event) -> None:
    started = timezone.now()
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                WorkerHeartbeat.objects.update_or_create(
                    worker_id=worker_id,
                    defaults={"seen_at": timezone.now(), "started_at": started},
                )
            except Exception:  # noqa: BLE001 - the database may be away; try again next beat
                connection.close()
            stop.wait(BEAT_SECONDS)
    finally:
        connection.close()
