"""A sortable column heading draws exactly what its template used to draw."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

# The heading's template before the tag drew it itself.
REFERENCE = Template(
    '<a href="{{ href }}" class="link-dark text-decoration-none">{{ label }}'
    "{% if arrow %} {{ arrow }}{% endif %}</a>"
)
TAG = Template("{% load qingling %}{% sort_link field label %}")


def _reference(query, field: str, label: str) -> str:
    current = query.get("ordering", "")
    if current == field:
        target, arrow = f"-{field}", "↑"
    elif current == f"-{field}":
        target, arrow = field, "↓"
    else:
        target, arrow = field, ""
    params = query.copy()
    params["ordering"] = target
    params.pop("page", None)
    return REFERENCE.render(
        Context({"href": "?" + params.urlencode(), "label": label, "arrow": arrow})
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?ordering=found_date",
        "?ordering=-found_date&page=3",
        "?q=a%26b%3Cscript%3E&state=open&state=closed&page=2",
        "?ordering=number&enterprise=5&q=%E5%82%A8%E7%BD%90",
    ],
)
@pytest.mark.parametrize("field,label", [("found_date", "发现日期"), ("number", "隐患<编号>")])
def test_a_sort_heading_is_drawn_as_its_template_drew_it(query, field, label):
    request = RequestFactory().get("/hazards/" + query)
    drawn = TAG.render(Context({"request": request, "field": field, "label": label}))
    assert drawn == _reference(request.GET, field, label)
    assert "page=" not in drawn


def test_a_sort_heading_turns_the_order_around_and_escapes_what_it_shows():
    request = RequestFactory().get("/hazards/?ordering=found_date&page=4&q=a%26b")
    drawn = TAG.render(Context({"request": request, "field": "found_date", "label": "<发现日期>"}))
    assert drawn == (
        '<a href="?ordering=-found_date&amp;q=a%26b" class="link-dark text-decoration-none">'
        "&lt;发现日期&gt; ↑</a>"
    )
