"""Template helpers shared by every app."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for sorting and paging links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label: str) -> str:
    """A column heading that sorts the list by `field` (again: the other way), on page 1."""
    current = context["request"].GET.get("ordering", "")
    if current == field:
        target, arrow = f"-{field}", " ↑"
    elif current == f"-{field}":
        target, arrow = field, " ↓"
    else:
        target, arrow = field, ""
    query = context["request"].GET.copy()
    query["ordering"] = target
    query.pop("page", None)
    return format_html(
        '<a href="?{}" class="link-dark text-decoration-none">{}{}</a>',
        query.urlencode(),
        label,
        arrow,
    )


@register.simple_tag
def page_window(page, each_side: int = 2) -> range:
    """Page numbers around the current one, without walking every page of a long list."""
    last = page.paginator.num_pages
    return range(max(page.number - each_side, 1), min(page.number + each_side, last) + 1)
