"""The rules an enforcement document keeps, each read in the text of the issued PDF."""

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from core.models import Department, Region
from inspections import services
from inspections.choices import DocumentType
from inspections.models import IssuingUnit, people_government

from .conftest import checked_visit
from .test_documents import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(team):
    """The team of the visits below, each with a 执法证号."""
    for n, person in enumerate((team.inspector, team.inspector2), start=1):
        person.certificate_no = f"1506232026000{n}"
        person.save(update_fields=["certificate_no"])
    return team


def issue(team, inspection, type_, **extra):
    return services.document_issue(by=team.inspector, inspection=inspection, type=type_, **extra)


# ---------------------------------------------------------------- 行政复议 and 行政诉讼


def test_a_county_decision_names_the_county_government_for_reconsideration(
    certified, enterprise, tmp_path
):
    """行政复议 goes to the county people's government (行政复议法 2023, 第二十四条), within 60
    days; 行政诉讼 within six months; never to the 上一级应急管理部门, even when the stored body
    names one."""
    IssuingUnit.objects.filter(short_name="鄂前应急").update(
        reconsideration_body="鄂尔多斯市应急管理局"
    )
    inspection, _, _ = checked_visit(certified, enterprise)
    for type_, act in ((DocumentType.ORDER, "指令"), (DocumentType.MEASURES, "决定")):
        document = issue(certified, inspection, type_, measures="责令立即清理消防通道")
        text = pdf_text(services.document_bytes(document), tmp_path)
        assert (
            f"如不服本{act}，可以自收到本{act}书之日起60日内依法向鄂托克前旗人民政府申请行政复议，"
            f"或者在6个月内依法向鄂托克前旗人民法院提起行政诉讼，但本{act}不停止执行" in text
        ), text
        assert "上一级" not in text and "应急管理部门申请" not in text
    record = issue(certified, inspection, DocumentType.RECORD)
    assert "行政复议" not in pdf_text(services.document_bytes(record), tmp_path)


def test_the_reconsideration_body_is_the_government_of_the_units_level(db):
    assert people_government(Region.objects.get(code="150623")) == "鄂托克前旗人民政府"
    assert people_government(Region.objects.get(code="150600")) == "鄂尔多斯市人民政府"
    assert people_government(Region.objects.get(code="150102")) == "呼和浩特市新城区人民政府"
    assert people_government(Region.objects.get(code="150623101")) == "鄂托克前旗人民政府"
    city = Department.objects.create(
        name="鄂尔多斯市应急管理局", kind="emergency", region_id="150600"
    )
    unit = IssuingUnit(department=city, short_name="鄂应急")
    html = render_to_string("documents/includes/remedies.html", {"unit": unit, "act": "指令"})
    assert "依法向鄂尔多斯市人民政府申请行政复议" in html
    assert "有管辖权的人民法院" in html
    # A stored body is kept only when it names a people's government (a 派出机关's department).
    unit.reconsideration_body = "鄂尔多斯市康巴什区人民政府"
    assert unit.reconsideration_authority == unit.reconsideration_body
    unit.reconsideration_body = "鄂尔多斯市应急管理局"
    assert unit.reconsideration_authority == "鄂尔多斯市人民政府"
    with pytest.raises(ValidationError, match="行政复议机关应为人民政府"):
        unit.clean()
