"""What WeasyPrint may reach while it lays out a PDF, and the address links resolve against.

The PDF templates carry their styles and images inline, so the renderer needs nothing from
outside: refusing every URL but data: means no text in a report can make the server fetch
an internal address or read one of its own files into a published paper."""

from django.conf import settings
from weasyprint.urls import URLFetcher


class InlineOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            raise ValueError(f"A PDF of this service loads nothing from outside: {url}")
        return super().fetch(url, headers)


def site_url() -> str:
    """The public address of the service: SITE_URL, else the first host it serves. Relative
    links in reports resolve against it, so a link in a PDF leads to the service."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + "/"
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]
    scheme = "https" if settings.SESSION_COOKIE_SECURE else "http"
    return f"{scheme}://{hosts[0] if hosts else 'localhost'}/"


def html_for_pdf(html: str, *, base_url: str | None = None):
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url or site_url(), url_fetcher=InlineOnlyFetcher())
