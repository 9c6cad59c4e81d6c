"""`manage.py loadtest_sessions FILE --members N`: a signed-in session for each of member01
to memberN (load_large_council's logins), one `username session-key` line each in FILE, for
the load test's capacity run (`make loadtest LOADTEST_MODE=capacity`). Hundreds of members
signing in through the form would spend minutes of CPU hashing passwords before the first
page, so they start signed in, as people who signed in this morning, and the cost of a
sign-in is measured here apart: `bench loadtest_sign_in_cpu_ms` is the CPU time the
password hasher takes to check the password of one login (`performance`, which every large
council has; the median of three)."""

import statistics
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError

from operations.management.commands.load_large_council import LOADTEST_PASSWORD

# The password backend, as if each member had signed in through the form.
PASSWORD_BACKEND = "accounts.backends.PasswordBackend"


class Command(BaseCommand):
    help = "Write a signed-in session for each load-test member, and time one sign-in's hash."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--members", type=int, required=True, help="member01 to memberN.")
        parser.add_argument("--password", default=LOADTEST_PASSWORD)

    def handle(self, *args, **options):
        if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
            raise CommandError(f"Sessions are kept by {settings.SESSION_ENGINE}, not the database.")
        wanted = [f"member{n:02d}" for n in range(1, options["members"] + 1)]
        users = {u.username: u for u in get_user_model().objects.filter(username__in=wanted)}
        if missing := [name for name in wanted if name not in users]:
            raise CommandError(
                f"--members {options['members']}: no login {missing[0]} "
                f"({len(missing)} missing); load_large_council --members makes them."
            )
        lines = []
        for username in wanted:
            user = users[username]
            session = SessionStore()
            session[SESSION_KEY] = user._meta.pk.value_to_string(user)
            session[BACKEND_SESSION_KEY] = PASSWORD_BACKEND
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            lines.append(f"{username} {session.session_key}\n")
        options["file"].write_text("".join(lines), encoding="utf-8")
        # Without a setter: a check that upgraded the hash would sign every session out.
        performance = get_user_model().objects.filter(username="performance").first()
        if performance is None:
            raise CommandError("No login performance: load_large_council makes it.")
        costs = []
        for _ in range(3):
            started = time.process_time()
            if not check_password(options["password"], performance.password):
                raise CommandError(f"The password of performance is not {options['password']!r}.")
            costs.append(time.process_time() - started)
        self.stdout.write(f"bench loadtest_sign_in_cpu_ms: {statistics.median(costs) * 1000:.0f}")
        self.stdout.write(
            f"{len(lines)} members signed in; their sessions are in {options['file']}"
        )
