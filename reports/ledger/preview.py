"""The preview of an uploaded ledger: read it, map its columns, validate every row, keep it all
for the user to review, change the column mapping, and commit."""

from __future__ import annotations

import logging

from core.errors import Kind, ServiceError
from core.logs import timed
from core.spreadsheets import cell_text

from ..choices import ImportStatus
from ..models import LedgerImport
from .parse import FIELD_LABELS, Sheet, guess_columns, missing_columns, read_ledger
from .validate import check_can_import, validate_rows

log = logging.getLogger(__name__)


def ledger_import_preview(*, by, data: bytes, file_name: str) -> LedgerImport:
    """Validate an uploaded ledger and keep the result for the user to review and commit.

    A problem with the file as a whole raises SpreadsheetError; row problems are stored.
    """
    check_can_import(by)
    with timed(log, "ledger import preview", by=by, bytes=len(data)) as figures:
        sheet = read_ledger(data)
        batch = LedgerImport(file_name=file_name[:255], uploaded_by=by, region=by.scope_region)
        batch.source = {
            "header_row": sheet.header_row,
            "headers": sheet.headers,
            "rows": sheet.rows,
            "formula_cells": sheet.formula_cells,
        }
        batch.notes = sheet.notes
        _validate(batch, by, guess_columns(sheet.headers))
        batch.save()
        figures.update(batch=batch.pk, rows=batch.row_count, errors=len(batch.errors))
    return batch


def ledger_import_remap(*, batch: LedgerImport, by, columns: list[str]) -> LedgerImport:
    """Validate the kept rows again with the user's column mapping (one key or '' a column)."""
    check_can_import(by)
    if batch.uploaded_by_id != by.pk:
        raise ServiceError("只能由上传该文件的用户修改列对应。", kind=Kind.CONFLICT)
    if batch.status == ImportStatus.COMMITTED:
        raise ServiceError("该文件已经导入，不能再修改列对应。", kind=Kind.STATE)
    headers = batch.source.get("headers", [])
    if len(columns) != len(headers):
        raise ServiceError(f"列对应应有 {len(headers)} 项，与文件的列数一致。", field="columns")
    seen: dict[str, str] = {}
    for header, key in zip(headers, columns, strict=True):
        if key and key not in FIELD_LABELS:
            raise ServiceError(f"“{header}”对应的字段“{key}”不存在。", field="columns")
        if key in seen:
            raise ServiceError(
                f"“{seen[key]}”和“{header}”都对应了“{FIELD_LABELS[key]}”，每项只能对应一列。",
                field="columns",
            )
        if key:
            seen[key] = header
    if batch.numbers:  # kept from a refused commit: the rows may change now
        from .commit import ledger_import_release

        ledger_import_release(batch=batch)
        batch.refresh_from_db()
    with timed(log, "ledger import remap", by=by, batch=batch.pk) as figures:
        _validate(batch, by, columns)
        batch.save()
        figures.update(rows=batch.row_count, errors=len(batch.errors))
    return batch


def _validate(batch: LedgerImport, by, columns: list[str]) -> None:
    """Validate the batch's kept rows under `columns` and store rows, errors and counts."""
    source = batch.source
    sheet = Sheet(
        header_row=source["header_row"],
        headers=source["headers"],
        rows=source["rows"],
        formula_cells=[tuple(c) for c in source.get("formula_cells", [])],
    )
    mapping = {key: i for i, key in enumerate(columns) if key}
    raw = [
        (number, {key: cells[i] if i < len(cells) else None for key, i in mapping.items()})
        for number, cells in sheet.rows
    ]
    formulas: dict[int, tuple[str, ...]] = {}
    keys = dict(enumerate(columns))
    for row, col in sheet.formula_cells:
        if keys.get(col):
            formulas[row] = (*formulas.get(row, ()), keys[col])
    cleaned, errors, new_enterprises = validate_rows(by, raw, formulas)
    missing = missing_columns(columns)
    if missing:
        errors.insert(
            0,
            {
                "row": sheet.header_row,
                "enterprise": "",
                "description": "（表头）",
                "messages": [
                    f"没有找到必需的列：{'、'.join(missing)}。请在“列对应”中指定文件中的哪一列是它"
                ],
            },
        )
    batch.columns = columns
    batch.rows = cleaned
    batch.errors = errors
    batch.new_enterprises = new_enterprises
    batch.row_count = len(cleaned)
    batch.existing_count = sum(1 for r in cleaned if r.get("existing"))
    batch.status = ImportStatus.FAILED if errors else ImportStatus.PREVIEW


def column_mapping(batch: LedgerImport) -> list[dict]:
    """Each column of the file: its header, the field it is read as, and a few sample values."""
    rows = batch.source.get("rows", [])[:3]
    return [
        {
            "index": i,
            "header": header,
            "key": batch.columns[i] if i < len(batch.columns) else "",
            "label": FIELD_LABELS.get(batch.columns[i], "") if i < len(batch.columns) else "",
            "samples": [
                cell_text(cells[i])[:20] for _, cells in rows if i < len(cells) and cells[i]
            ],
        }
        for i, header in enumerate(batch.source.get("headers", []))
    ]
