"""Refusing an oversized upload before its body is read, and compressing pages."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render

# Text compresses to a fifth or less; PDFs, workbooks and images are compressed already.
COMPRESSED_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


class CompressTextMiddleware(GZipMiddleware):
    """gzip for pages, CSV and JSON when the browser accepts it (static files come
    compressed from whitenoise). Django's GZipMiddleware pads each response against
    BREACH, and CSRF tokens are masked per response as well."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)


class RequestSizeLimitMiddleware:
    """A request body over settings.MAX_REQUEST_BYTES is refused with 413 and a page that
    says how large it was and what fits, before Django writes any of it to memory or disk.
    Each form still checks its own, smaller limit and the file's content."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            context = {
                "size_mb": f"{length / 1024 / 1024:.1f}",
                "limit_mb": settings.MAX_REQUEST_BYTES // (1024 * 1024),
            }
            return render(request, "413.html", context, status=413)
        return self.get_response(request)
