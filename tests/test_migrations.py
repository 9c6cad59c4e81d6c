from io import StringIO

from django.core.management import call_command


def test_no_migrations_are_pending(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
