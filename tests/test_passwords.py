"""Passwords as production stores them: Argon2id with OWASP's parameters, and passwords
stored before with PBKDF2 still signing in and rehashed as they do."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.utils.module_loading import import_string

PASSWORD = "correct-horse-battery"
# OWASP Password Storage Cheat Sheet: Argon2id, m=19456 (19 MiB), t=2, p=1.
OWASP = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = settings.PRODUCTION_PASSWORD_HASHERS


def _user_with(encoded: str):
    user = get_user_model().objects.create_user("stored", password=None)
    user.password = encoded
    user.save(update_fields=["password"])
    return user


def _sign_in(client, password: str):
    return client.post(
        "/accounts/login/", {"username": "stored", "password": password}, REMOTE_ADDR="10.1.2.3"
    )


def test_new_passwords_are_argon2id_with_owasp_parameters(production_hashers):
    assert make_password(PASSWORD).startswith(OWASP)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hasher",
    [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)
def test_a_password_stored_with_pbkdf2_signs_in_and_is_rehashed(client, production_hashers, hasher):
    old = import_string(hasher)().encode(PASSWORD, "seasalt0123456789")
    user = _user_with(old)
    assert _sign_in(client, "not-the-password").status_code == 200  # refused, form again
    user.refresh_from_db()
    assert user.password == old
    response = _sign_in(client, PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(OWASP) and user.check_password(PASSWORD)


@pytest.mark.django_db
def test_an_argon2_hash_with_weaker_parameters_is_strengthened_on_sign_in(
    client, production_hashers
):
    weak = type("Weak", (Argon2PasswordHasher,), {"memory_cost": 8 * 1024, "time_cost": 1})
    user = _user_with(weak().encode(PASSWORD, weak().salt()))
    assert "m=8192,t=1" in user.password
    assert _sign_in(client, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(OWASP)


def test_the_test_suite_alone_uses_a_fast_hasher():
    assert settings.PRODUCTION_PASSWORD_HASHERS[0] == "scorecard.hashers.OwaspArgon2PasswordHasher"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
