from datetime import timedelta

from django.db import models

# A worker that has sent no heartbeat for this long is taken to have stopped.
WORKER_STALE_AFTER = timedelta(seconds=60)


class WorkerHeartbeat(models.Model):
    """Each task worker says it is alive every few seconds; readiness needs a recent one."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Worker {self.worker_id}, seen {self.seen_at:%H:%M:%S}"
