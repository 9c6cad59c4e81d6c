"""Single sign-on with the council's identity provider (OpenID Connect), and the rule of who
may still sign in with a local password.

The provider is named by one issuer address (OIDC_ISSUER); its endpoints come from its
discovery document, fetched when someone first signs in (never at start-up, so the app
starts and answers health checks while the provider is away) and kept for an hour.
"""

import logging
import threading
import time
from dataclasses import dataclass

import requests
from django.conf import settings

from indicators.roles import CLERK, OFFICER, PERFORMANCE_TEAM, role_names
from scorecard.env import DISCOVERY_PATH

logger = logging.getLogger(__name__)

# The provider's keys and endpoints change rarely, and a rotated signing key is announced
# in advance, so an hour-old document is still right.
DISCOVERY_LIFETIME = 60 * 60

# Roles whose people sign in through the provider once local passwords are off for staff.
STAFF_ROLES = frozenset({OFFICER, PERFORMANCE_TEAM, CLERK})


class ProviderUnavailable(Exception):
    """The identity provider could not be reached, or answered with something unusable."""


class SignInRefused(Exception):
    """The provider vouched for someone, but Scorecard does not let them in."""

    def __init__(self, reason: str, *, email: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.email = email


@dataclass(frozen=True)
class Provider:
    """What the discovery document says about the provider."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def local_password_allowed(user) -> bool:
    """Whether `user` may sign in (or reset and use) a local password.

    Always, unless single sign-on is on and SSO_REQUIRED_FOR_STAFF switches passwords off for
    staff: then officers, the performance team, clerks and anyone with admin access sign in
    through the provider only; superusers keep their password only when
    SSO_SUPERUSER_PASSWORDS keeps it as a way in while the provider is away. Committee
    members, and accounts with no staff role, keep their passwords."""
    if not (sso_enabled() and settings.SSO_REQUIRED_FOR_STAFF):
        return True
    if user.is_superuser:
        return settings.SSO_SUPERUSER_PASSWORDS
    if user.is_staff:
        return False
    return not (STAFF_ROLES & role_names(user))


def email_from_claims(claims: dict) -> str:
    """The e-mail address the provider vouches for, or "" when it gives none.

    `email` unless the provider says it is unverified (email_verified false); else
    `preferred_username` when it is an address, as Microsoft Entra ID sends it (the user's
    sign-in name, which the council's tenant controls)."""
    email = claims.get("email")
    verified = claims.get("email_verified", True)
    if isinstance(email, str) and "@" in email and verified not in (False, "false"):
        return email.strip()
    username = claims.get("preferred_username")
    if isinstance(username, str) and "@" in username:
        return username.strip()
    return ""


_cache: dict[str, tuple[float, Provider]] = {}
_lock = threading.Lock()


def provider() -> Provider:
    """The configured provider's endpoints, from its discovery document (cached).

    Raises ProviderUnavailable, naming what went wrong, when the document cannot be had."""
    issuer = settings.OIDC_ISSUER
    now = time.monotonic()
    with _lock:
        cached = _cache.get(issuer)
        if cached and now - cached[0] < DISCOVERY_LIFETIME:
            return cached[1]
    found = _discover(issuer)
    with _lock:
        _cache[issuer] = (now, found)
    return found


def forget_provider() -> None:
    """Drop the cached discovery documents (the next sign-in fetches them again)."""
    with _lock:
        _cache.clear()


def _discover(issuer: str) -> Provider:
    address = issuer + DISCOVERY_PATH
    try:
        response = requests.get(address, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("OpenID Connect discovery failed at %s: %s", address, error)
        raise ProviderUnavailable(f"discovery failed at {address}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{address} is not a discovery document")
    # The spec requires the document's issuer to be the one asked for; it is also what
    # every token's `iss` must say.
    if document.get("issuer", "").rstrip("/") != issuer:
        logger.warning(
            "OpenID Connect discovery at %s names issuer %r, not %r",
            address,
            document.get("issuer"),
            issuer,
        )
        raise ProviderUnavailable(f"{address} names another issuer")
    missing = [
        name
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not isinstance(document.get(name), str)
    ]
    if missing:
        raise ProviderUnavailable(f"{address} lacks {', '.join(missing)}")
    return Provider(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        userinfo_endpoint=document.get("userinfo_endpoint") or "",
    )
