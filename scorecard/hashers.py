"""How passwords are stored: Argon2id with the parameters OWASP's Password Storage Cheat
Sheet gives as its first choice (19 MiB of memory, two passes, one lane), about a
fortieth of the processor time of Django's PBKDF2 default for stronger protection against
guessing on graphics cards. Hashes made with PBKDF2 before still sign in, and Django
rewrites them as Argon2id then (PASSWORD_HASHERS in scorecard/settings.py)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2id hasher with OWASP's minimum parameters. The algorithm name stays
    "argon2", so hashes made with other parameters are recognised and upgraded."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
