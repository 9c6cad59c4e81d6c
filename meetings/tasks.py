"""Background work, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task


@task()
def render_issue(issue_id: int) -> str:
    """Render and publish one issue of a meeting's papers; returns its final status."""
    from meetings.services import run_issue

    return run_issue(issue_id)
