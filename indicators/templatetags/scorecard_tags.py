"""Template filters: Markdown commentary rendered safely."""

import html as html_lib

import markdown as markdown_lib
import nh3
from django import template
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from reporting.row_html import rag_badge

register = template.Library()

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code"}


# Committee reports also have sub-headings and tables.
DOCUMENT_TAGS = ALLOWED_TAGS | {"h3", "h4", "table", "thead", "tbody", "tr", "th", "td"}


@register.filter
def markdown(text: str) -> str:
    """Markdown to HTML with raw HTML and scripts removed; links kept, made safe."""
    return _clean(markdown_lib.markdown(text or "", extensions=["sane_lists"]), ALLOWED_TAGS)


@register.filter
def markdown_text(text: str) -> str:
    """Markdown as the plain words a reader sees, for a short excerpt (escaped as usual)."""
    return html_lib.unescape(strip_tags(markdown_lib.markdown(text or ""))).strip()


@register.filter
def markdown_document(text: str) -> str:
    """The same for a report's sections, which may hold sub-headings and tables."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists", "tables"])
    # A Markdown table's header cells are its first row: each heads its column, which
    # screen readers and the tagged PDF are told.
    return _clean(html, DOCUMENT_TAGS, set_values={"th": {"scope": "col"}})


def _clean(html: str, tags: set[str], *, set_values: dict | None = None) -> str:
    cleaned = nh3.clean(
        html,
        tags=tags,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values=set_values or {},
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


@register.simple_tag
def rag_label(rag) -> str:
    """A rating as a badge: symbol, words and colour, never colour alone."""

    return rag_badge(rag)
