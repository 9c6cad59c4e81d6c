"""Template filters: Markdown commentary rendered safely."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code"}


@register.filter
def markdown(text: str) -> str:
    """Markdown to HTML with raw HTML and scripts removed; links kept, made safe."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


@register.simple_tag
def rag_label(rag) -> str:
    """A rating as a badge: symbol, words and colour, never colour alone."""
    from indicators.tables import rag_badge

    return rag_badge(rag)
