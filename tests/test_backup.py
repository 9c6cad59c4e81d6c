"""`manage.py backup` and `manage.py restore`: one archive holds the database and every stored
file, and restoring it brings back every row and every byte, on SQLite and PostgreSQL alike.

The tests commit their data (transaction=True): pg_dump reads it from a connection of its own.
"""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from demo.council import load_demo
from operations import backup
from operations.backup import BackupError, find_postgres_tool

data = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def small(media):
    """A user and two stored files: enough to back up quickly."""
    get_user_model().objects.create_user(username="alex", password="correct-horse-battery")
    (media / "appendices" / "2026").mkdir(parents=True)
    (media / "appendices" / "2026" / "budget.pdf").write_bytes(b"%PDF-1.7 budget" * 100)
    (media / "notes.txt").write_text("kept", encoding="utf-8")


def _rows() -> dict[str, list]:
    """Every row of every model, serialised and ordered by primary key."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        records = json.loads(serializers.serialize("json", model._base_manager.order_by("pk")))
        # Many-to-many links come in no particular order (those with their own model are
        # compared as rows of it).
        many = [field.name for field in model._meta.many_to_many]
        for record in records:
            for name in many:
                if name in record["fields"]:
                    record["fields"][name] = sorted(record["fields"][name], key=str)
        rows[model._meta.label] = records
    return rows


def _files(media: Path) -> dict[str, str]:
    return {
        path.relative_to(media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }


def _wipe(media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    media.mkdir()


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar, tar.extractfile("manifest.json") as handle:
        return json.load(handle)


def _rewrite(source: Path, target: Path, change) -> None:
    """Copy an archive, passing each member's name and bytes through `change`."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            content = change(member.name, old.extractfile(member).read())
            member.size = len(content)
            new.addfile(member, io.BytesIO(content))


@data
def test_a_restore_brings_back_every_row_and_every_stored_file(media, tmp_path):
    load_demo()
    rows, files = _rows(), _files(media)
    for label in ("indicators.Value", "risks.Review", "recovery_plans.Action"):
        assert rows[label], label
    assert rows["meetings.AgendaItem"] and rows["meetings.PackIssue"]
    assert any(name.startswith("packs/") and name.endswith(".pdf") for name in files)
    archive = tmp_path / "backups" / "scorecard.tar.gz"
    archive.parent.mkdir()
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
    assert f"Backed up the {vendor} database and {len(files)} stored files" in out.getvalue()
    assert sorted(p.name for p in archive.parent.iterdir()) == ["scorecard.tar.gz"]
    assert archive.stat().st_mode & 0o777 == 0o600

    manifest = _manifest(archive)
    assert manifest["format"] == 1 and manifest["database"]["vendor"] == connection.vendor
    assert manifest["file_count"] == len(files)
    applied = MigrationRecorder(connection).applied_migrations()
    assert manifest["migrations"]["meetings"] == max(n for a, n in applied if a == "meetings")
    assert {
        name.removeprefix("media/"): digest
        for name, digest in manifest["members"].items()
        if name.startswith("media/")
    } == files

    _wipe(media)
    assert not _rows()["indicators.Value"] and not _files(media)
    call_command("restore", str(archive), yes=True, stdout=out)
    assert f"Restored the {vendor} backup of {manifest['created_at']}" in out.getvalue()
    restored = _rows()
    for label, records in rows.items():
        assert restored[label] == records, label
    assert _files(media) == files


@data
def test_restore_into_an_empty_installation_needs_no_yes_but_never_replaces_data_unasked(
    small, media, tmp_path
):
    archive = tmp_path / "scorecard.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    rows, files = _rows(), _files(media)
    _wipe(media)
    call_command("restore", str(archive), stdout=io.StringIO())
    assert _rows() == rows and _files(media) == files

    get_user_model().objects.create_user(username="sam", password="correct-horse-battery")
    (media / "extra.pdf").write_bytes(b"%PDF")
    rows, files = _rows(), _files(media)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was changed.*run again with --yes"):
        call_command("restore", str(archive), stdout=out)
    assert "  2 users\n" in out.getvalue()
    assert f"  3 stored files in {media}\n" in out.getvalue()
    assert _rows() == rows and _files(media) == files

    call_command("restore", str(archive), yes=True, stdout=io.StringIO())
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["alex"]
    assert sorted(_files(media)) == ["appendices/2026/budget.pdf", "notes.txt"]


@data
def test_restore_refuses_a_damaged_archive_and_changes_nothing(small, media, tmp_path):
    archive = tmp_path / "scorecard.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    rows, files = _rows(), _files(media)

    def flip(name: str, content: bytes) -> bytes:
        if name == "media/appendices/2026/budget.pdf":
            return content[:10] + bytes([content[10] ^ 1]) + content[11:]
        return content

    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(archive, tampered, flip)
    message = "budget.pdf does not match its checksum. Nothing was changed."
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(tampered), yes=True)

    broken = tmp_path / "broken.tar.gz"
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    broken.write_bytes(bytes(raw))
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(broken), yes=True)

    with pytest.raises(CommandError, match="There is no backup archive"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)
    assert _rows() == rows and _files(media) == files
    assert sorted(p.name for p in media.iterdir()) == ["appendices", "notes.txt"]


@data
def test_restore_refuses_a_backup_of_another_kind_of_database(small, media, tmp_path):
    archive = tmp_path / "scorecard.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]

    def relabel(name: str, content: bytes) -> bytes:
        if name != "manifest.json":
            return content
        manifest = json.loads(content)
        manifest["database"]["vendor"] = other
        return json.dumps(manifest).encode()

    crafted = tmp_path / "other.tar.gz"
    _rewrite(archive, crafted, relabel)
    rows = _rows()
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    message = (
        f"holds a {names[other]} database but this installation uses "
        f"{names[connection.vendor]}: a {names[other]} backup can only be restored into "
        f"{names[other]}"
    )
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(crafted), yes=True)
    assert _rows() == rows


@data
def test_a_backup_that_cannot_be_written_leaves_no_file(small, media, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match="Cannot write the backup to .*not-a-folder"):
        call_command("backup", str(blocker / "scorecard.tar.gz"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media", "not-a-folder"]

    # A failure half way through the files leaves neither the archive nor its temporary file.
    def failing(media_root):
        yield media_root / "notes.txt"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_media_files", failing)
    target = tmp_path / "backups"
    target.mkdir()
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("backup", str(target / "scorecard.tar.gz"))
    assert list(target.iterdir()) == []


@data
def test_without_a_file_name_the_archive_is_named_by_its_time(small, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    monkeypatch.chdir(folder)
    call_command("backup", stdout=io.StringIO())
    call_command("backup", str(tmp_path), stdout=io.StringIO())
    for where in (folder, tmp_path):
        (archive,) = where.glob("scorecard-backup-*.tar.gz")
        assert len(archive.name) == len("scorecard-backup-20261125-020000.tar.gz")
        assert _manifest(archive)["file_count"] == 2


def test_the_newest_postgresql_client_is_used(tmp_path, monkeypatch):
    for version in ("9.6", "16", "17", "not-a-version"):
        program = tmp_path / version / "bin" / "pg_dump"
        program.parent.mkdir(parents=True)
        program.write_text("#!/bin/sh\n", encoding="utf-8")
        program.chmod(0o755)
    assert find_postgres_tool("pg_dump", root=tmp_path) == str(tmp_path / "17/bin/pg_dump")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    with pytest.raises(BackupError, match="pg_dump was not found.*postgresql-client"):
        find_postgres_tool("pg_dump", root=tmp_path / "nowhere")
