"""Enforcement documents: numbered, rendered once, hashed, and their text is what was found."""

import hashlib
import subprocess

import pytest

from core.errors import ServiceError
from inspections import services
from inspections.choices import DocumentType, InspectionMethod

from .conftest import checked_visit, recheck

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return "".join(out.stdout.decode().split())  # CJK text may be split by spaces and lines


@pytest.mark.parametrize(
    "kind, title, prefix",
    [
        (DocumentType.RECORD, "现场检查记录", "鄂前应急检记"),
        (DocumentType.ORDER, "责令限期整改指令书", "鄂前应急责改"),
        (DocumentType.RECHECK, "整改复查意见书", "鄂前应急复查"),
    ],
)
def test_each_document_contains_enterprise_number_and_findings(
    team, enterprise, tmp_path, kind, title, prefix
):
    team.inspector.certificate_no = "15062320260004"
    team.inspector.save(update_fields=["certificate_no"])
    inspection, clauses, hazards = checked_visit(team, enterprise)
    if kind == DocumentType.RECHECK:
        services.document_issue(by=team.inspector, inspection=inspection, type=DocumentType.ORDER)
        recheck(team, hazards[0], passed=True)
        recheck(team, hazards[1], passed=False, opinion="通道内仍有杂物")
    document = services.document_issue(by=team.inspector, inspection=inspection, type=kind)
    assert document.number.startswith(prefix) and document.number.endswith("号")
    data = services.document_bytes(document)
    assert hashlib.sha256(data).hexdigest() == document.sha256 and len(data) == document.size
    text = pdf_text(data, tmp_path)
    for expected in (
        "鄂托克前旗应急管理局",
        "".join(title.split()),
        enterprise.name,
        document.number,
        "甲醇罐区可燃气体报警仪未与紧急切断联锁",
        "消防通道堆放纸箱等杂物",
        "中华人民共和国安全生产法",
        clauses[2].ref,
        "15062320260004",  # the inspector's 执法证号
    ):
        assert expected in text, expected
    if kind == DocumentType.RECHECK:  # each hazard with its re-check result
        assert hazards[0].number in text and "通过：已整改到位" in text
        assert "不通过：通道内仍有杂物" in text


def test_numbers_are_consecutive_per_type_and_a_changed_file_is_refused(team, enterprise):
    inspection, _, _ = checked_visit(team, enterprise)
    first = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.ORDER
    )
    services.document_void(by=team.inspector, document=first, reason="整改期限写错，重新出具")
    second = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.ORDER
    )
    record = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.RECORD
    )
    assert second.sequence == first.sequence + 1
    assert record.sequence == 1
    with open(second.pdf.path, "ab") as handle:
        handle.write(b"%tampered")
    with pytest.raises(ServiceError, match="校验值不一致"):
        services.document_bytes(second)


def test_documents_need_a_finished_visit_and_an_issuing_unit(team, enterprise):
    from inspections.models import IssuingUnit

    from .conftest import visit

    open_visit = visit(team, enterprise)
    with pytest.raises(ServiceError, match="请先提交检查结果"):
        services.document_issue(by=team.inspector, inspection=open_visit, type=DocumentType.RECORD)
    inspection, _, _ = checked_visit(team, enterprise)
    with pytest.raises(ServiceError, match="请先下达责令限期整改指令书"):
        services.document_issue(by=team.inspector, inspection=inspection, type=DocumentType.RECHECK)
    IssuingUnit.objects.all().delete()
    with pytest.raises(ServiceError, match="发文字号简称"):
        services.document_issue(by=team.inspector, inspection=inspection, type=DocumentType.RECORD)


@pytest.mark.parametrize("method", [InspectionMethod.RANDOM, InspectionMethod.CROSS])
def test_the_record_writes_a_name_and_the_method_each_on_one_line(
    team, enterprise, tmp_path, method
):
    enterprise.principal = "欧阳春晓"
    enterprise.save(update_fields=["principal"])
    inspection, _, _ = checked_visit(team, enterprise)
    inspection.method = method
    inspection.save(update_fields=["method"])
    document = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.RECORD
    )
    path = tmp_path / "record.pdf"
    path.write_bytes(services.document_bytes(document))
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    lines = ["".join(line.split()) for line in out.stdout.decode().splitlines()]
    assert any("欧阳春晓职务主要负责人" in line for line in lines), lines[:12]
    assert any(f"检查方式{method.label}检查人员" in line for line in lines), lines[:12]
