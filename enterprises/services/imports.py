"""The 名录库 import: an uploaded spreadsheet is checked row by row and kept as a preview; the
user then commits every row or none."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.audit import AuditKind, audit_record
from core.errors import Kind, ServiceError
from core.logs import timed
from core.models import Region, Sector
from core.scoping import effective_scope
from core.spreadsheets import SpreadsheetError, cell_text, read_rows

from ..choices import ImportStatus, RiskGrade, Scale, StandardizationLevel
from ..credit_code import check_character, credit_code_error
from ..models import Enterprise, EnterpriseImport
from ..phones import phone_error
from .registry import check_can_edit

log = logging.getLogger(__name__)

IMPORT_MAX_ROWS = 20_000

# Template columns: (header, field, required). Headers match after removing spaces, * and brackets.
IMPORT_COLUMNS: list[tuple[str, str, bool]] = [
    ("统一社会信用代码", "credit_code", True),
    ("企业名称", "name", True),
    ("所属地区", "region", True),
    ("行业领域", "sector", True),
    ("地址", "address", False),
    ("规模", "scale", False),
    ("主要负责人", "principal", False),
    ("主要负责人电话", "principal_phone", False),
    ("安全管理负责人", "safety_manager", False),
    ("安全管理负责人电话", "safety_manager_phone", False),
    ("风险等级", "risk_grade", False),
    ("标准化等级", "standardization_level", False),
    ("重点监管", "key_supervision", False),
]
HEADER_VARIANTS = {
    "信用代码": "credit_code",
    "社会信用代码": "credit_code",
    "单位名称": "name",
    "企业单位名称": "name",
    "区划": "region",
    "所属乡镇": "region",
    "行政区划": "region",
    "行业": "sector",
    "所属行业": "sector",
    "企业地址": "address",
    "经营地址": "address",
    "法定代表人": "principal",
    "负责人": "principal",
    "负责人电话": "principal_phone",
    "联系电话": "principal_phone",
    "安全负责人": "safety_manager",
    "安全负责人电话": "safety_manager_phone",
    "分级": "risk_grade",
    "风险分级": "risk_grade",
    "是否重点监管": "key_supervision",
    "安全生产标准化等级": "standardization_level",
}
_SCALES = {
    "规上": Scale.ABOVE,
    "规模以上": Scale.ABOVE,
    "规下": Scale.BELOW,
    "规模以下": Scale.BELOW,
}
_RISKS = {
    "红": RiskGrade.RED,
    "红色": RiskGrade.RED,
    "重大风险": RiskGrade.RED,
    "A": RiskGrade.RED,
    "橙": RiskGrade.ORANGE,
    "橙色": RiskGrade.ORANGE,
    "较大风险": RiskGrade.ORANGE,
    "B": RiskGrade.ORANGE,
    "黄": RiskGrade.YELLOW,
    "黄色": RiskGrade.YELLOW,
    "一般风险": RiskGrade.YELLOW,
    "C": RiskGrade.YELLOW,
    "蓝": RiskGrade.BLUE,
    "蓝色": RiskGrade.BLUE,
    "低风险": RiskGrade.BLUE,
    "D": RiskGrade.BLUE,
}
_LEVELS = {
    "一级": StandardizationLevel.LEVEL1,
    "二级": StandardizationLevel.LEVEL2,
    "三级": StandardizationLevel.LEVEL3,
    "未定级": StandardizationLevel.NONE,
    "无": StandardizationLevel.NONE,
}
_BOOLS = {"是": True, "否": False, "Y": True, "N": False, "1": True, "0": False}


@dataclass
class _Lookups:
    """Everything row validation needs, fetched once per file."""

    regions_by_code: dict[str, Region]
    regions_by_name: dict[str, list[Region]]
    sectors_by_name: dict[str, Sector]
    existing_codes: set[str] = field(default_factory=set)


def _lookups(by, codes: list[str]) -> _Lookups:
    regions = list(Region.objects.for_user(by))
    by_name: dict[str, list[Region]] = {}
    for region in regions:
        by_name.setdefault(region.name, []).append(region)
    sectors = Sector.objects.all()
    if by.scope_sector_ids is not None:
        sectors = sectors.filter(pk__in=by.scope_sector_ids)
    existing: set[str] = set()
    for start in range(0, len(codes), 2000):
        chunk = codes[start : start + 2000]
        existing.update(
            Enterprise.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True)
        )
    return _Lookups(
        regions_by_code={r.code: r for r in regions},
        regions_by_name=by_name,
        sectors_by_name={s.name: s for s in sectors},
        existing_codes=existing,
    )


def _map_header(header: list[str]) -> dict[str, int]:
    canonical = {name: fld for name, fld, _ in IMPORT_COLUMNS}
    mapping: dict[str, int] = {}
    for index, name in enumerate(header):
        fld = canonical.get(name) or HEADER_VARIANTS.get(name)
        if fld and fld not in mapping:
            mapping[fld] = index
    missing = [name for name, fld, required in IMPORT_COLUMNS if required and fld not in mapping]
    if missing:
        raise SpreadsheetError(
            f"表头缺少必填列：{'、'.join(missing)}。请下载模板，按模板的表头填写。"
        )
    return mapping


def _choice(value: str, table: dict, label: str, default, errors: list[str]):
    if not value:
        return default
    if value in table:
        return table[value]
    errors.append(
        f"{label}“{value}”无法识别（可填：{'、'.join(dict.fromkeys(k for k in table if len(k) > 1))}）"
    )
    return default


def _validate_row(
    values: dict[str, str], lookups: _Lookups, seen: dict[str, int]
) -> tuple[dict, list[str]]:
    """One row of the 名录库 as enterprise fields and its problems. Past 60 lines: one short
    check per column of the template, in the template's order."""
    errors: list[str] = []
    code = values.get("credit_code", "")
    if not code:
        errors.append("统一社会信用代码不能为空")
    elif problem := credit_code_error(code):
        errors.append(problem)
    elif code in seen:
        errors.append(f"统一社会信用代码与第 {seen[code]} 行重复")
    elif code in lookups.existing_codes:
        errors.append("该统一社会信用代码已在系统中登记")
    if not values.get("name"):
        errors.append("企业名称不能为空")
    region_text = values.get("region", "")
    region = lookups.regions_by_code.get(region_text)
    if region is None:
        candidates = lookups.regions_by_name.get(region_text, [])
        if len(candidates) == 1:
            region = candidates[0]
        elif not region_text:
            errors.append("所属地区不能为空")
        elif len(candidates) > 1:
            errors.append(f"所属地区“{region_text}”有重名，请填写区划代码")
        else:
            errors.append(f"所属地区“{region_text}”不存在或不在您的管辖范围内")
    for key, label in (
        ("principal_phone", "主要负责人电话"),
        ("safety_manager_phone", "安全管理负责人电话"),
    ):
        if problem := phone_error(values.get(key, "")):
            errors.append(f"{label}：{problem}")
    sector = lookups.sectors_by_name.get(values.get("sector", ""))
    if sector is None:
        errors.append(
            f"行业领域“{values.get('sector', '')}”不存在或不属于您的监管范围"
            if values.get("sector")
            else "行业领域不能为空"
        )
    row = {
        "credit_code": code,
        "name": values.get("name", "")[:128],
        "region_id": region.code if region else None,
        "sector_id": sector.pk if sector else None,
        "address": values.get("address", "")[:255],
        "scale": _choice(values.get("scale", ""), _SCALES, "规模", Scale.BELOW, errors),
        "principal": values.get("principal", "")[:32],
        "principal_phone": values.get("principal_phone", "")[:20],
        "safety_manager": values.get("safety_manager", "")[:32],
        "safety_manager_phone": values.get("safety_manager_phone", "")[:20],
        "risk_grade": _choice(
            values.get("risk_grade", ""), _RISKS, "风险等级", RiskGrade.BLUE, errors
        ),
        "standardization_level": _choice(
            values.get("standardization_level", ""),
            _LEVELS,
            "标准化等级",
            StandardizationLevel.NONE,
            errors,
        ),
        "key_supervision": _choice(
            values.get("key_supervision", ""), _BOOLS, "重点监管", False, errors
        ),
    }
    return row, errors


def enterprise_import_preview(*, by, data: bytes, file_name: str) -> EnterpriseImport:
    """Validate an uploaded file and keep the result for the user to review and commit.

    Problems with the file as a whole raise SpreadsheetError; row problems are stored per row.
    """
    check_can_edit(by)
    with timed(log, "enterprise import preview", by=by, bytes=len(data)) as figures:
        batch = _preview(by, data, file_name)
        figures.update(batch=batch.pk, rows=batch.row_count, errors=len(batch.errors))
    return batch


def _preview(by, data: bytes, file_name: str) -> EnterpriseImport:
    header, body = read_rows(data, max_rows=IMPORT_MAX_ROWS)
    mapping = _map_header(header)
    raw_rows, skipped = [], []
    for number, cells in body:
        values = {fld: cell_text(cells[i]) if i < len(cells) else "" for fld, i in mapping.items()}
        if values.get("name", "").startswith(EXAMPLE_PREFIX):
            skipped.append({"row": number, "reason": "模板示例行，未导入"})
            continue
        raw_rows.append((number, values))
    if not raw_rows:
        raise SpreadsheetError("文件中只有表头（和模板示例行），没有企业数据。")
    lookups = _lookups(by, [values.get("credit_code", "") for _, values in raw_rows])
    seen: dict[str, int] = {}
    rows, errors = [], []
    for number, values in raw_rows:
        row, row_errors = _validate_row(values, lookups, seen)
        if row["credit_code"] and row["credit_code"] not in seen:
            seen[row["credit_code"]] = number
        row["row"] = number
        rows.append(row)
        if row_errors:
            errors.append(
                {
                    "row": number,
                    "credit_code": row["credit_code"],
                    "name": row["name"],
                    "messages": row_errors,
                }
            )
    return EnterpriseImport.objects.create(
        file_name=file_name[:255],
        uploaded_by=by,
        region=by.scope_region,
        status=ImportStatus.FAILED if errors else ImportStatus.PREVIEW,
        row_count=len(rows),
        rows=rows,
        errors=errors,
        skipped=skipped,
    )


def enterprise_import_commit(*, batch: EnterpriseImport, by) -> int:
    """Create every enterprise of a clean preview, or none of them."""
    check_can_edit(by)
    with timed(log, "enterprise import commit", by=by, batch=batch.pk) as figures:
        figures["created"] = _commit(batch, by)
    return figures["created"]


def _out_of_scope_rows(rows: list[dict], by) -> list[int]:
    """The numbers of rows whose region or sector the committer may not register, judged at
    commit: the committer's scope may have changed since the preview."""
    scope = effective_scope(by)
    if scope is None:
        return [row["row"] for row in rows]
    return [
        row["row"]
        for row in rows
        if not (scope.covers_region(row.get("region_id")) and scope.covers_sector(row["sector_id"]))
    ]


def _commit(batch: EnterpriseImport, by) -> int:
    with transaction.atomic():
        batch = (
            EnterpriseImport.objects.for_user(by).select_for_update().filter(pk=batch.pk).first()
        )
        if batch is None:
            raise ServiceError("导入记录不存在。", kind=Kind.SCOPE)
        if batch.status == ImportStatus.COMMITTED:
            raise ServiceError("该文件已经导入过，不能重复导入。", kind=Kind.CONFLICT)
        if batch.status != ImportStatus.PREVIEW or batch.errors:
            raise ServiceError("文件中仍有错误行，请修改后重新上传。", kind=Kind.STATE)
        if outside := _out_of_scope_rows(batch.rows, by):
            raise ServiceError(
                "以下行的所属地区或行业领域不在您的管辖范围内："
                f"第 {'、'.join(map(str, outside[:20]))} 行。",
                kind=Kind.INPUT,
            )
        codes = [row["credit_code"] for row in batch.rows]
        taken = set(
            Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)
        )
        if taken:
            raise ServiceError(
                f"以下统一社会信用代码在预览后已被登记：{'、'.join(sorted(taken)[:10])}。请重新上传。",
                kind=Kind.CONFLICT,
            )
        objs = [Enterprise(**{k: v for k, v in row.items() if k != "row"}) for row in batch.rows]
        bulk_create_with_history(objs, Enterprise, batch_size=1000, default_user=by)
        batch.status = ImportStatus.COMMITTED
        batch.committed_at = timezone.now()
        batch.created_count = len(objs)
        batch.save(update_fields=["status", "committed_at", "created_count", "updated_at"])
        audit_record(
            AuditKind.IMPORT,
            f"导入企业名录（{len(objs)} 家）",
            user=by,
            target=f"名录导入 #{batch.pk} {batch.file_name}",
        )
    return len(objs)


# A row whose enterprise name starts so is the template's example: it is skipped, and said so.
EXAMPLE_PREFIX = "示例："


def import_template() -> bytes:
    """The blank template with headers, an example row and an instructions sheet."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    ws.append([f"{name}*" if required else name for name, _, required in IMPORT_COLUMNS])
    ws.append(
        [
            "91150623MA0N00000" + check_character("91150623MA0N00000"),
            f"{EXAMPLE_PREFIX}鄂托克前旗某某化工有限公司",
            "150623101",
            "危险化学品",
            "上海庙镇工业园区",
            "规上",
            "张三",
            "13900000000",
            "李四",
            "13900000001",
            "橙",
            "三级",
            "是",
        ]
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for column, width in zip(
        "ABCDEFGHIJKLM", (22, 34, 14, 14, 30, 8, 12, 16, 14, 16, 10, 12, 10), strict=True
    ):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    for column, options in (
        ("F", "规上,规下"),
        ("K", "红,橙,黄,蓝"),
        ("L", "一级,二级,三级,未定级"),
        ("M", "是,否"),
    ):
        rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        rule.add(f"{column}2:{column}20001")
        ws.add_data_validation(rule)
    notes = wb.create_sheet("填写说明")
    for line in (
        "1. 带 * 的列必须填写；第 2 行为示例（企业名称以“示例：”开头的行不会导入）。",
        "2. 统一社会信用代码为 18 位，只含数字和大写字母（不含 I、O、S、V、Z），系统会校验校验位。",
        "3. 所属地区填写区划代码（如 150623101）或地区名称（如 上海庙镇）。",
        "4. 行业领域填写系统中的名称，如："
        + "、".join(Sector.objects.values_list("name", flat=True)[:30]),
        "5. 有任何一行出错时整个文件都不会导入，请按预览中的提示修改后重新上传。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
