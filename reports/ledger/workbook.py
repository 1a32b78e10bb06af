"""The hazard ledger (隐患台账) workbook: its columns and a pure, streaming builder.

`write_ledger(rows, out)` knows nothing about the database: it takes an iterable of mappings
keyed by column key (see LEDGER_COLUMNS) and writes one sheet. Rows are streamed through the
rust_xlsxwriter binding in constant memory, so 100 000 hazards take a few seconds and a few
tens of megabytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from rustpy_xlsxwriter import Format, write_worksheet

from ..choices import ColumnKind

SHEET_NAME = "隐患台账"
DATE_FORMAT = "yyyy-mm-dd"
PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    width: float
    kind: str = ColumnKind.TEXT


# The columns of the upward-reporting ledger (domain brief §5), in order. Combined headers of
# paper templates (挂牌, 复查, 监管责任) are split into one column per fact so they can be
# filtered in Excel and read back by the import.
LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("序号", "seq", 7, ColumnKind.NUMBER),
    Column("隐患编号", "number", 18),
    Column("所属县（区）", "county", 12),
    Column("所属乡镇（街道）", "town", 14),
    Column("行业领域", "sector", 12),
    Column("企业名称", "enterprise", 30),
    Column("统一社会信用代码", "credit_code", 21),
    Column("隐患地点/部位", "place", 16),
    Column("隐患描述", "description", 40),
    Column("判定依据", "clause", 40),
    Column("隐患级别", "level", 12),
    Column("隐患来源", "source", 14),
    Column("发现日期", "found_date", 12, ColumnKind.DATE),
    Column("整改措施", "measures", 30),
    Column("整改责任人", "responsible_person", 11),
    Column("整改资金（万元）", "funds", 10, ColumnKind.NUMBER),
    Column("整改期限", "deadline", 12, ColumnKind.DATE),
    Column("延期至", "extended_to", 12, ColumnKind.DATE),
    Column("整改状态", "state", 10),
    Column("是否挂牌", "supervised", 8),
    Column("挂牌级别", "supervision_level", 10),
    Column("挂牌文号", "supervision_doc_no", 22),
    Column("整改完成日期", "completed_date", 12, ColumnKind.DATE),
    Column("复查单位", "recheck_unit", 18),
    Column("复查人", "rechecked_by", 10),
    Column("复查日期", "recheck_date", 12, ColumnKind.DATE),
    Column("复查意见", "recheck_opinion", 24),
    Column("销号日期", "closed_date", 12, ColumnKind.DATE),
    Column("监管责任单位", "supervisor_unit", 18),
    Column("监管责任人", "supervisor_person", 10),
    Column("备注", "remarks", 24),
)
HEADERS = tuple(column.header for column in LEDGER_COLUMNS)


def _cell(value: Any, kind: str) -> Any:
    """A value as the binding should write it: dates stay dates, money becomes a float."""
    if value is None or value == "":
        return None
    if kind == ColumnKind.NUMBER:
        return float(value) if isinstance(value, Decimal) else value
    if kind == ColumnKind.DATE:
        return value if isinstance(value, date | datetime) else None
    return str(value)


def _records(
    rows: Iterable[Mapping[str, Any] | Sequence[Any]], progress: Callable[[int], None] | None
) -> Iterator[dict[str, Any]]:
    columns = [(c.header, c.key, c.kind) for c in LEDGER_COLUMNS if c.key != "seq"]
    count = 0
    for count, row in enumerate(rows, start=1):
        if isinstance(row, Mapping):
            record = {HEADERS[0]: count}
            for header, key, kind in columns:
                record[header] = _cell(row.get(key), kind)
        else:
            # The fast path: values already in column order and of the written types.
            record = dict(zip(HEADERS, (count, *row), strict=True))
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        yield record
    if progress is not None:
        progress(count)


def write_ledger(
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    out: str | IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the ledger sheet to `out` (a path or a writable binary file).

    A row is a mapping keyed by column key, or (faster) a sequence of the values of every
    column after 序号, in order, already as written: str or None, date, float.

    Text columns carry Excel's quote-prefix style and every string is written as a string
    cell, so a description such as `=cmd|' /C calc'!A0` stays text when opened or edited:
    never a formula (CSV/formula injection).
    """
    text = Format().set_quote_prefix().set_text_wrap()
    dates = Format().set_num_format(DATE_FORMAT)
    formats = {
        c.header: text if c.kind == ColumnKind.TEXT else dates
        for c in LEDGER_COLUMNS
        if c.kind != ColumnKind.NUMBER
    }
    header = (
        Format()
        .set_bold()
        .set_text_wrap()
        .set_align("center")
        .set_background_color("#DDEBF7")
        .set_border("thin")
    )
    records = _records(rows, progress)
    first = next(records, None)
    if first is None:
        # An empty ledger still gets its header row (the binding needs one record for it).
        first = dict.fromkeys(HEADERS)
        records = iter(())
    write_worksheet(
        _chain(first, records),
        out,
        sheet_name=SHEET_NAME,
        freeze_row=1,
        autofit=False,
        column_widths=[c.width for c in LEDGER_COLUMNS],
        column_formats=formats,
        header_format=header,
        datetime_format=DATE_FORMAT,
        na_rep=None,
    )


def _chain(first: dict, rest: Iterator[dict]) -> Iterator[dict]:
    yield first
    yield from rest
