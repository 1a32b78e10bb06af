"""The hazard list's and the queue's rows are drawn in Python (hazards.table) with exactly the
markup of the template loop they replace: every kind of row, every query string, both tables."""

import itertools
from datetime import timedelta

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from core.models import Region
from enterprises.models import Enterprise
from hazards.choices import HazardLevel, HazardState, SupervisionLevel
from hazards.models import Hazard
from hazards.progress import ProgressDue

# The row loop as the templates had it: the reference the fast rows must match byte for byte.
TEMPLATE_LOOP = """{% load qingling %}    {% for h in page %}
      <tr>
        <td data-label="隐患编号" class="text-nowrap"><a class="mono" href="{{ h.get_absolute_url }}">{{ h.number }}</a></td>
        <td data-label="企业"><span>{{ h.enterprise.name }}{% if not queue %} <a href="?{% query_replace enterprise=h.enterprise_id page='' %}" class="link-secondary no-print" title="只看该企业的隐患" aria-label="只看该企业的隐患"><i class="bi bi-funnel"></i></a>{% endif %}</span></td>
        <td data-label="隐患描述"><span class="text-truncate d-inline-block" style="max-width: 18rem;" title="{{ h.description }}">{{ h.place }}：{{ h.description }}</span></td>
        <td data-label="级别"><span class="badge text-bg-{{ h.level_badge }}">{{ h.get_level_display }}</span>{% if h.supervision_level %} <span class="badge text-bg-dark">{{ h.get_supervision_level_display }}</span>{% endif %}</td>
        <td data-label="状态"><span><span class="badge text-bg-{{ h.state_badge }}">{{ h.get_state_display }}</span>{% if h.overdue %} <span class="badge text-bg-danger">{{ h.overdue_label }}</span>{% endif %}{% if h.progress_due.late_days %} <span class="badge text-bg-warning" title="挂牌督办的进展报告应于 {{ h.progress_due.due|date:'Y-m-d' }} 前报送">进展报告逾期 {{ h.progress_due.late_days }} 天</span>{% endif %}</span></td>
        {% if queue %}<td data-label="等待原因" class="queue-reasons">{% for r in h.queue_reasons %}<span class="badge {% if r == "进展报告逾期" %}text-bg-warning{% else %}text-bg-light border{% endif %} me-1">{{ r }}</span>{% if not forloop.last %} {% endif %}{% endfor %}</td>{% endif %}
        <td data-label="发现日期" class="text-nowrap">{{ h.found_date|date:"Y-m-d" }}</td>
        <td data-label="整改期限" class="text-nowrap">{{ h.current_deadline|date:"Y-m-d" }}</td>
        <td data-label="地区">{{ h.region.name }}</td>
      </tr>
    {% empty %}
      <tr><td colspan="{% if queue %}9{% else %}8{% endif %}" class="text-center text-muted py-4">{% if queue %}暂无待您处理的隐患。{% else %}没有符合条件的隐患。{% endif %}</td></tr>
    {% endfor %}
"""
FAST = "{% load hazard_ui %}    {% hazard_rows page queue %}\n"

QUERIES = [
    "",
    "?page=3",
    "?enterprise=5&page=2&q=a%26b",
    "?q=%E4%B8%AD%E6%96%87%3Cb%3E&state=registered&state=closed&enterprise=1&enterprise=2",
    "?ordering=-found_date&page_size=50",
]


def _hazards():
    today = timezone.localdate()
    enterprise = Enterprise(pk=41, name='鄂托克前旗<"华泰">化工 & 有限公司')
    region = Region(code="150623100", name="敖勒召其镇")
    rows = []
    variants = itertools.product(
        HazardState.values, HazardLevel.values, ["", SupervisionLevel.COUNTY], [-3, 0, 12]
    )
    for n, (state, level, supervision, late) in enumerate(variants):
        hazard = Hazard(
            pk=1000 + n,
            number=f"YH-150623-2026-{n:04d}",
            enterprise=enterprise,
            region=region,
            level=level,
            state=state,
            supervision_level=supervision,
            place="储罐区 <东侧>",
            description="液位计 \"失效\" & 报警'未联网'",
            found_date=today - timedelta(days=40),
            current_deadline=today - timedelta(days=late),
        )
        if supervision and n % 3:
            hazard.progress_due = ProgressDue(today - timedelta(days=n % 5), n % 5)
        hazard.queue_reasons = [["进展报告逾期", "待复查"], ["延期待审批"], []][n % 3]
        rows.append(hazard)
    return rows


@pytest.mark.parametrize("queue", [False, True])
@pytest.mark.parametrize("query", QUERIES)
def test_rows_match_the_template_loop(query, queue):
    request = RequestFactory().get("/hazards/" + query)
    hazards = _hazards()
    context = {"page": hazards, "queue": queue, "request": request}
    expected = engines["django"].from_string(TEMPLATE_LOOP).render(context)
    assert engines["django"].from_string(FAST).render(context) == expected
    assert "逾期未整改" in expected and "逾期未销号" in expected and "进展报告逾期 " in expected


@pytest.mark.parametrize("queue", [False, True])
def test_an_empty_page_says_so_as_before(queue):
    request = RequestFactory().get("/hazards/?q=nothing")
    context = {"page": [], "queue": queue, "request": request}
    expected = engines["django"].from_string(TEMPLATE_LOOP).render(context)
    assert engines["django"].from_string(FAST).render(context) == expected
    assert "暂无待您处理的隐患。" in expected if queue else "没有符合条件的隐患。" in expected


def _page_queries(client, url) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/hazards/", "/hazards/queue/?scope=unit"])
def test_more_rows_cost_no_more_queries(client, personas, url, django_capture_on_commit_callbacks):
    """A row reads only what the page fetched: no column or enterprise is read row by row."""
    from freezegun import freeze_time

    from tests.hazard_helpers import advance, register

    client.force_login(personas.reviewer)
    first = register(personas.inspector, days=5)
    advance(first, HazardState.AWAITING_RECHECK, inspector=personas.inspector, reviewer=None)
    later = timezone.localdate() + timedelta(days=20)
    with freeze_time(later):
        client.get(url)  # the count and the menu are cached from here on
        few = _page_queries(client, url)
    with django_capture_on_commit_callbacks(execute=True):  # the data version moves on
        for days in (1, 2, 3):
            hazard = register(personas.inspector, days=days, level=HazardLevel.GENERAL)
            advance(
                hazard, HazardState.AWAITING_RECHECK, inspector=personas.inspector, reviewer=None
            )
    with freeze_time(later):
        html = client.get(url).content.decode()
        assert html.count("逾期未销号") == 4  # every row is drawn
        many = _page_queries(client, url)
        assert len(many) == len(few)
