"""Who is signing in from where, for login throttling behind the production proxy."""

from django.conf import settings


def client_ip(request) -> str:
    """The address that sent the request. Behind the TLS proxy of the production profile
    every request comes from the proxy, so the client is the address the nearest trusted
    proxy appended to X-Forwarded-For (settings.TRUSTED_PROXIES of them in a row); anything
    further left was written by the client and proves nothing."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    forwarded = [part.strip() for part in forwarded if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
