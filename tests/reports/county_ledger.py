"""A hazard ledger shaped as a county keeps it: a title row and a 填报单位 row above the header,
the county's own header words (隐患内容, 排查日期, 整改时限, 完成情况 …), clauses written as text,
formulas for the deadlines and the total, a 合计 row and a signature line below the table.

Files saved by openpyxl carry formulas without their results; Excel stores the result beside
each formula when it saves. `county_ledger(cached=True)` writes those results in, as Excel
would have; `cached=False` leaves them out, as a program-written file does.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

import openpyxl

EXCEL_EPOCH = date(1899, 12, 30)
HEADER = [
    "序号",
    "单位名称",
    "隐患部位",
    "隐患内容",
    "隐患等级",
    "判定依据",
    "排查日期",
    "整改时限",
    "整改负责人",
    "整改资金（万元）",
    "完成情况",
    "完成日期",
    "备注",
]
DEADLINE_DAYS = 30


def county_ledger(
    enterprise_names: list[str],
    found: date,
    *,
    cached: bool = True,
    unknown_clause: bool = True,
    description_header: str = "隐患内容",
) -> bytes:
    """Six hazards of the enterprises (cycled), states 已整改 / 已完成 / 整改中 / 未整改; the
    last one cites a clause that does not exist (第九十九项) unless `unknown_clause` is off."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "隐患台账"
    ws.append(["鄂托克前旗2026年重大事故隐患排查整治台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(["填报单位：鄂托克前旗应急管理局（盖章）", *[None] * 5, "填报日期：2026年6月20日"])
    ws.append([description_header if h == "隐患内容" else h for h in HEADER])
    done = found + timedelta(days=5)
    rows = [
        ("储罐区", "储罐区可燃气体报警器失效", "重大事故隐患", "121号第六项", "已整改", done),
        ("配电室", "配电室无挡鼠板", "一般隐患", "", "已完成", done),
        (
            "装卸区",
            "装卸栈台未设静电接地",
            "重大",
            "安监总管三〔2017〕121号第十三项",
            "整改中",
            None,
        ),
        ("仓库", "仓库通道堵塞", "一般", "", "未整改", None),
        ("厂区", "消防水池液位计损坏", "一般", "", "整改中", None),
        (
            "控制室",
            "控制室与装置间距不足",
            "重大",
            "第九十九项" if unknown_clause else "121号第一项",
            "未整改",
            None,
        ),
    ]
    first = ws.max_row + 1
    for i, (place, text, level, basis, state, completed) in enumerate(rows):
        r = first + i
        ws.append(
            [
                i + 1,
                enterprise_names[i % len(enterprise_names)],
                place,
                text,
                level,
                basis,
                found,
                f"=G{r}+{DEADLINE_DAYS}",
                "张三",
                1.5,
                state,
                completed,
                "",
            ]
        )
        ws.cell(row=r, column=8).number_format = "yyyy-mm-dd"
    last = ws.max_row
    ws.append(
        ["合计", None, None, "共6条", None, None, None, None, None, f"=SUM(J{first}:J{last})"]
    )
    ws.append(["填表人：王五", None, None, "审核人：李四", None, None, "联系电话：0477-1234567"])
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    if cached:
        deadline = (found + timedelta(days=DEADLINE_DAYS) - EXCEL_EPOCH).days
        data = _with_results(data, {"H": str(deadline), "J": str(1.5 * len(rows))})
    return data


def _with_results(data: bytes, by_column: dict[str, str]) -> bytes:
    """The workbook with a stored result beside every formula of these columns, as Excel
    writes it when it saves."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for column, value in by_column.items():
                    text = re.sub(
                        rf'(<c r="{column}\d+"[^>]*>\s*<f>[^<]*</f>)\s*(<v\s*/>|<v></v>)?',
                        rf"\1<v>{value}</v>",
                        text,
                    )
                content = text.encode()
            target.writestr(info, content)
    return out.getvalue()
