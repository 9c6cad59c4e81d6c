"""Backup and restore of a whole installation: one archive holding a consistent dump of the
database and every stored file under MEDIA_ROOT, with a manifest of SHA-256 checksums.

The archive is a gzipped tar: the database dump first (`database.pgdump`, pg_dump's custom
format, or `database.sqlite3`), then `media/...`, then `manifest.json`, written last so it can
record the checksum of exactly the bytes that went in.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
# Debian's layout: one folder per major version, as scripts/with-postgres uses.
POSTGRES_ROOT = Path("/usr/lib/postgresql")
# The apps whose rows a restore would replace; auth's groups and permissions are left out
# because migrations create them in every database.
DATA_APPS = ("indicators", "risks", "recovery_plans", "meetings")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def default_archive_name(now: datetime) -> str:
    return f"scorecard-backup-{now:%Y%m%d-%H%M%S}.tar.gz"


def find_postgres_tool(name: str, *, root: Path = POSTGRES_ROOT) -> str:
    """The newest installed version of a PostgreSQL client program, else the one on PATH.

    pg_dump refuses to dump a server newer than itself, so the newest one wins."""

    def version(program: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in program.parents[1].name.split("."))

    candidates = [
        program
        for program in root.glob(f"*/bin/{name}")
        if program.parents[1].name.replace(".", "").isdigit() and os.access(program, os.X_OK)
    ]
    if candidates:
        return str(max(candidates, key=version))
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(
        f"{name} was not found in {root}/<version>/bin or on PATH. Install the PostgreSQL "
        "client programs of the server's version (apt-get install postgresql-client)."
    )


def _postgres_arguments(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment (PGPASSWORD, PGSSLMODE...) for pg_dump and
    pg_restore, from the same settings Django connects with."""
    settings_dict = connection.settings_dict
    _, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    arguments = ["--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments += [option, str(settings_dict[key])]
    arguments += ["--dbname", settings_dict["NAME"]]
    return arguments, {**os.environ, **(env or {})}


def _run(program: str, arguments: list[str], env: dict[str, str]) -> None:
    result = subprocess.run([program, *arguments], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        name = Path(program).name
        raise BackupError(f"{name} failed: {(result.stderr or result.stdout).strip()}")


def _migration_state(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The latest applied migration of each app (migration names start with their number)."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def _dump_database(connection: BaseDatabaseWrapper, target: Path) -> None:
    if connection.vendor == "sqlite":
        # The online backup API copies a consistent snapshot while the app keeps running,
        # and works from the live connection, so in-memory databases too.
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        arguments, env = _postgres_arguments(connection)
        pg_dump = find_postgres_tool("pg_dump")
        _run(pg_dump, ["--format=custom", "--file", str(target), *arguments], env)


def _media_files(media_root: Path) -> Iterator[Path]:
    """Every regular file under MEDIA_ROOT, in a stable order; symbolic links are skipped."""

    def unreadable(error: OSError):
        raise error  # a folder left out silently would make an incomplete backup

    for folder, subfolders, files in os.walk(media_root, onerror=unreadable):
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if stat.S_ISREG(path.lstat().st_mode):
                yield path


class _HashingReader:
    """Hands a file to tarfile, hashing exactly the bytes that go into the archive."""

    def __init__(self, handle):
        self._handle = handle
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.sha256.update(data)
        return data


def _add(archive: tarfile.TarFile, name: str, path: Path) -> str:
    info = archive.gettarinfo(path, arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    return reader.sha256.hexdigest()


def create_backup(destination: Path) -> dict:
    """Write the archive to `destination` and return its manifest. The archive is built in a
    private folder beside it and renamed into place, so a failed backup leaves nothing."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor not in DUMP_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.display_name}.")
    media_root = Path(settings.MEDIA_ROOT).resolve()
    destination = destination.absolute()
    if destination.resolve().is_relative_to(media_root):
        raise BackupError(f"Write the backup outside MEDIA_ROOT ({media_root}).")
    try:
        work = tempfile.TemporaryDirectory(dir=destination.parent, prefix=".scorecard-backup-")
    except OSError as error:
        raise BackupError(f"Cannot write the backup to {destination}: {error.strerror}.") from None
    with work as folder:
        dump_member = DUMP_MEMBERS[connection.vendor]
        dump = Path(folder) / dump_member
        part = Path(folder) / "archive.part"
        migrations = _migration_state(connection)
        # The database first: every file it refers to is then already on disk.
        try:
            _dump_database(connection, dump)
        except sqlite3.Error as error:
            raise BackupError(f"Cannot copy the SQLite database: {error}") from None
        members: dict[str, str] = {}
        try:
            with tarfile.open(part, "w:gz") as archive:
                members[dump_member] = _add(archive, dump_member, dump)
                if media_root.is_dir():
                    for path in _media_files(media_root):
                        name = MEDIA_PREFIX + path.relative_to(media_root).as_posix()
                        members[name] = _add(archive, name, path)
                manifest = {
                    "format": FORMAT_VERSION,
                    "created_at": timezone.localtime().isoformat(timespec="seconds"),
                    "database": {"vendor": connection.vendor, "member": dump_member},
                    "migrations": migrations,
                    "file_count": len(members) - 1,
                    "members": members,
                }
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o644
                archive.addfile(info, io.BytesIO(data))
            # It holds every password hash: readable by its owner only.
            part.chmod(0o600)
            os.replace(part, destination)
        except OSError as error:
            raise BackupError(f"Cannot write the backup to {destination}: {error}") from None
    return manifest


def _check_name(name: str, member: tarfile.TarInfo, seen: set[str]) -> None:
    """Only regular files, named as a backup names them, each once: nothing in an archive
    can be written outside the folders a restore unpacks into."""
    parts = name.split("/")
    expected = (
        name == MANIFEST
        or name in DUMP_MEMBERS.values()
        or (name.startswith(MEDIA_PREFIX) and len(parts) > 1)
    )
    if not member.isfile() or not expected or name in seen or {"", ".", ".."} & set(parts):
        raise BackupError(
            f"The archive holds an unexpected entry {name!r}: it is not a Scorecard backup. "
            "Nothing was changed."
        )
    seen.add(name)


def read_manifest(path: Path) -> dict:
    """The archive's manifest, once every member has been read and matches its checksum."""
    if not path.is_file():
        raise BackupError(f"There is no backup archive at {path}.")
    digests: dict[str, str] = {}
    manifest_data = None
    seen: set[str] = set()
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                name = member.name
                _check_name(name, member, seen)
                with archive.extractfile(member) as handle:
                    if name == MANIFEST:
                        manifest_data = handle.read()
                    else:
                        digests[name] = hashlib.file_digest(handle, "sha256").hexdigest()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(
            f"{path} is damaged or is not a Scorecard backup archive ({error}). "
            "Nothing was changed."
        ) from None
    try:
        manifest = json.loads(manifest_data or b"")
        expected = manifest["members"]
        version = manifest["format"]
        vendor, dump_member = manifest["database"]["vendor"], manifest["database"]["member"]
    except (ValueError, KeyError, TypeError):
        raise BackupError(
            f"{path} has no readable {MANIFEST}: it is not a Scorecard backup archive. "
            "Nothing was changed."
        ) from None
    if version != FORMAT_VERSION:
        raise BackupError(
            f"{path} is in backup format {version}; this version of Scorecard reads format "
            f"{FORMAT_VERSION}. Nothing was changed."
        )
    if vendor not in DUMP_MEMBERS or dump_member not in expected:
        raise BackupError(f"{path} names no database dump it holds. Nothing was changed.")
    problems = sorted(
        [f"{name} is missing" for name in expected.keys() - digests.keys()]
        + [f"{name} is not in the manifest" for name in digests.keys() - expected.keys()]
        + [
            f"{name} does not match its checksum"
            for name in expected.keys() & digests.keys()
            if expected[name] != digests[name]
        ]
    )
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise BackupError(
            f"{path} is damaged: {'; '.join(problems[:5])}{more}. Nothing was changed."
        )
    return manifest


def check_vendor(manifest: dict) -> None:
    """A dump can only go back into the kind of database it came from."""
    connection = connections[DEFAULT_DB_ALIAS]
    archived = VENDOR_NAMES[manifest["database"]["vendor"]]
    current = VENDOR_NAMES.get(connection.vendor, connection.display_name)
    if archived != current:
        raise BackupError(
            f"This archive holds a {archived} database but this installation uses {current}: "
            f"a {archived} backup can only be restored into {archived}. Nothing was changed."
        )


def existing_data() -> list[str]:
    """What a restore would replace: the counts of rows of the project's data and of the
    stored files, as lines for the command to print; empty for a fresh installation."""
    models = [get_user_model()]
    for label in DATA_APPS:
        models += apps.get_app_config(label).get_models()
    lines = []
    for model in models:
        count = model._base_manager.count()
        if count:
            noun = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            lines.append(f"{count:,} {noun}")
    media_root = Path(settings.MEDIA_ROOT)
    files = sum(1 for _ in _media_files(media_root)) if media_root.is_dir() else 0
    if files:
        lines.append(f"{files:,} stored file{'s' if files != 1 else ''} in {media_root}")
    return lines


def _restore_database(connection: BaseDatabaseWrapper, dump: Path) -> None:
    # Django's connections may hold state (or, on PostgreSQL, locks) from before the restore.
    connections.close_all()
    if connection.vendor == "sqlite":
        # Closing an in-memory database would destroy it, so Django keeps it open; the backup
        # API copies into the live connection either way.
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        except sqlite3.Error as error:
            raise BackupError(
                f"Cannot replace the SQLite database ({error}); stop the web app and the task "
                "worker, then run the restore again. The files were left as they were."
            ) from None
        finally:
            source.close()
    else:
        arguments, env = _postgres_arguments(connection)
        pg_restore = find_postgres_tool("pg_restore")
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
        try:
            _run(pg_restore, [*options, *arguments, str(dump)], env)
        except BackupError as error:
            # One transaction: a failed restore leaves the database as it was.
            raise BackupError(f"{error}\nThe database and files were left as they were.") from None
        connections.close_all()
    # Content type ids are the backup's now.
    ContentType.objects.clear_cache()


def _replace_media(staging: Path, media_root: Path) -> None:
    for child in media_root.iterdir():
        if child == staging:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in staging.iterdir():
        child.rename(media_root / child.name)


def restore_backup(path: Path, manifest: dict) -> list[str]:
    """Replace the database and MEDIA_ROOT's content with the archive's (already verified by
    read_manifest). Returns the migrations this code has that the backup has not applied."""
    connection = connections[DEFAULT_DB_ALIAS]
    dump_member = manifest["database"]["member"]
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    # Everything is unpacked before anything is replaced: the files into a folder inside
    # MEDIA_ROOT (the same file system, so they move into place by renaming).
    staging = Path(tempfile.mkdtemp(dir=media_root, prefix=".restoring-"))
    try:
        with tempfile.TemporaryDirectory(prefix="scorecard-restore-") as folder:
            dump = Path(folder) / dump_member
            with tarfile.open(path, "r:gz") as archive:
                for member in archive:
                    if member.name == dump_member:
                        target = dump
                    elif member.name.startswith(MEDIA_PREFIX):
                        target = staging / member.name.removeprefix(MEDIA_PREFIX)
                    else:
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.extractfile(member) as source, target.open("wb") as out:
                        shutil.copyfileobj(source, out)
                    os.utime(target, (member.mtime, member.mtime))
            _restore_database(connection, dump)
        _replace_media(staging, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
