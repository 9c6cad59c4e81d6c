"""An uploaded file waiting between its check and the user's confirmation.

The catalogue workbook waits between its dry run and the import; a comparator CSV waits
while the performance team decides whether to skip the rows its check reported. The file
is kept under MEDIA_ROOT/imports/ (mode 0600) under a random name that only the uploader's
session holds, and is deleted once used or cancelled, or, abandoned, by the next upload of
its kind after a day."""

import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

TOKEN = re.compile(r"[0-9a-f]{32}")
ABANDONED_AFTER = 24 * 3600


class PendingUpload:
    """One kind of waiting upload, known in the session by `session_key`."""

    def __init__(self, session_key: str, suffix: str):
        self.session_key, self.suffix = session_key, suffix

    def _folder(self) -> Path:
        folder = Path(settings.MEDIA_ROOT) / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def get(self, request) -> tuple[Path, dict] | tuple[None, None]:
        """The file waiting in this user's session, and what was kept with it."""
        pending = request.session.get(self.session_key)
        if (
            not isinstance(pending, dict)
            or pending.get("user") != request.user.pk
            or not TOKEN.fullmatch(str(pending.get("token", "")))
        ):
            return None, None
        path = self._folder() / f"{pending['token']}{self.suffix}"
        return (path, pending) if path.exists() else (None, None)

    def discard(self, request) -> None:
        path, _ = self.get(request)
        if path is not None:
            path.unlink(missing_ok=True)
        request.session.pop(self.session_key, None)

    def store(self, request, data: bytes, *, name: str, **kept) -> None:
        """Keep `data` for this user, replacing any file of the same kind they left."""
        self.discard(request)
        folder = self._folder()
        for old in folder.glob(f"*{self.suffix}"):
            if old.stat().st_mtime < time.time() - ABANDONED_AFTER:
                old.unlink(missing_ok=True)
        token = secrets.token_hex(16)
        descriptor = os.open(
            folder / f"{token}{self.suffix}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
        )
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        request.session[self.session_key] = {
            "token": token,
            "user": request.user.pk,
            "name": name[:100],
            **kept,
        }
