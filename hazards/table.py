"""The rows of the hazard list and the work queue, drawn without the template engine.

A list page shows 20 to 100 rows of about 25 values each; drawn by the template engine each
value is a variable lookup and each link a tag, which cost more than the page's SQL. The
markup is exactly that of the row loop the templates had (tests/hazards/test_table.py
compares the two on every kind of row)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .choices import Action
from .queue import REASONS

PROGRESS_BADGE = REASONS[Action.REPORT_PROGRESS]  # the queue reason drawn as a warning
DETAIL_MARKER = "987654321"


def _enterprise_link(query) -> tuple[str, str]:
    """The query string of "只看该企业的隐患" split around the enterprise id: the current
    parameters with enterprise set and page removed (as `query_replace` builds it)."""
    pairs: list[str] = []
    position = None
    for key, values in query.lists():
        if key == "page":
            continue
        if key == "enterprise":
            position = len(pairs)
            pairs.append("")
            continue
        pairs += [
            urlencode({key.encode(query.encoding): str(v).encode(query.encoding)}) for v in values
        ]
    if position is None:
        position = len(pairs)
        pairs.append("")
    before = "&".join(pairs[:position])
    after = "&".join(pairs[position + 1 :])
    return (before + "&" if before else "") + "enterprise=", ("&" + after if after else "")


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _row(h, *, queue: bool, today: date, detail: str, link: tuple[str, str]) -> str:
    description = escape(h.description)
    parts = [
        '\n      <tr>\n        <td data-label="隐患编号" class="text-nowrap"><a class="mono" href="',
        detail.replace(DETAIL_MARKER, str(h.pk)),
        '">',
        escape(h.number),
        '</a></td>\n        <td data-label="企业"><span>',
        escape(h.enterprise.name),
    ]
    if not queue:
        parts += [
            ' <a href="?',
            escape(f"{link[0]}{h.enterprise_id}{link[1]}"),
            '" class="link-secondary no-print" title="只看该企业的隐患" aria-label="只看该企业的隐患">'
            '<i class="bi bi-funnel"></i></a>',
        ]
    parts += [
        '</span></td>\n        <td data-label="隐患描述"><span class="text-truncate d-inline-block" '
        'style="max-width: 18rem;" title="',
        description,
        '">',
        escape(h.place),
        "：",
        description,
        '</span></td>\n        <td data-label="级别"><span class="badge text-bg-',
        escape(h.level_badge),
        '">',
        escape(h.get_level_display()),
        "</span>",
    ]
    if h.supervision_level:
        parts += [
            ' <span class="badge text-bg-dark">',
            escape(h.get_supervision_level_display()),
            "</span>",
        ]
    parts += [
        '</td>\n        <td data-label="状态"><span><span class="badge text-bg-',
        escape(h.state_badge),
        '">',
        escape(h.get_state_display()),
        "</span>",
    ]
    if h.overdue_days_on(today):
        parts += [
            ' <span class="badge text-bg-danger">',
            escape(h.overdue_label_on(today)),
            "</span>",
        ]
    due = getattr(h, "progress_due", None)
    if due and due.late_days:
        parts += [
            ' <span class="badge text-bg-warning" title="挂牌督办的进展报告应于 ',
            _date(due.due),
            f' 前报送">进展报告逾期 {due.late_days} 天</span>',
        ]
    parts.append("</span></td>\n        ")
    if queue:
        reasons = [
            '<span class="badge {}'.format(
                "text-bg-warning" if reason == PROGRESS_BADGE else "text-bg-light border"
            )
            + f' me-1">{escape(reason)}</span>'
            for reason in getattr(h, "queue_reasons", None) or ()
        ]
        parts += ['<td data-label="等待原因" class="queue-reasons">', " ".join(reasons), "</td>"]
    parts += [
        '\n        <td data-label="发现日期" class="text-nowrap">',
        _date(h.found_date),
        '</td>\n        <td data-label="整改期限" class="text-nowrap">',
        _date(h.current_deadline),
        '</td>\n        <td data-label="地区">',
        escape(h.region.name),
        "</td>\n      </tr>\n    ",
    ]
    return "".join(parts)


def hazard_rows(hazards, *, query, queue: bool = False) -> SafeString:
    """The table body's rows for `hazards` (a page), or the row that says there are none."""
    today = timezone.localdate()
    detail = reverse("hazards:hazard_detail", args=[DETAIL_MARKER])
    link = ("", "") if queue else _enterprise_link(query)
    rows = [_row(h, queue=queue, today=today, detail=detail, link=link) for h in hazards]
    if not rows:
        colspan, text = (9, "暂无待您处理的隐患。") if queue else (8, "没有符合条件的隐患。")
        rows = [
            f'\n      <tr><td colspan="{colspan}" class="text-center text-muted py-4">{text}</td></tr>\n    '
        ]
    return mark_safe("".join(rows))
