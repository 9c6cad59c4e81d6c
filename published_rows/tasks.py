"""Storing the scorecard rows of every quarter with published figures, in the task worker:
after a catalogue's published history is imported (the import itself stays quick)."""

from django.tasks import task

from published_rows.services import store_published


@task()
def store_published_quarters() -> int:
    return store_published()
