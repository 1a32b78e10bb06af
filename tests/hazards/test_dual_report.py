"""双报告: a major hazard's report to the workers' congress (职工大会或职代会) is recorded with its
date and the minutes as a file, by the enterprise or by a regulator for it; the minutes are
checked like every upload and served only to those who may see the hazard."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from core.errors import Kind, ServiceError
from hazards import workflow
from hazards.choices import Action, HazardLevel
from hazards.minutes import workers_report_record
from hazards.models import HazardEvent, WorkersReport
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazard_helpers import jpeg_bytes, register

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes(*, macro: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        kind = "macroEnabled" if macro else "document.main+xml"
        archive.writestr("[Content_Types].xml", f"<Types><Override ContentType='{kind}'/></Types>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\0")
    return out.getvalue()


def enterprise_account(username: str, enterprise):
    account = UserFactory(username=username, name="企业安全员", role=Role.ENTERPRISE)
    account.department = None
    account.save()
    account.enterprises.add(enterprise)
    return account


@pytest.fixture
def setup(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    class S:
        pass

    S.p = personas
    S.enterprise = EnterpriseFactory(name="鄂托克前旗双报告化工有限公司")
    S.found = timezone.localdate() - timedelta(days=10)
    S.hazard = register(personas.inspector, enterprise=S.enterprise, found=S.found)
    S.account = enterprise_account("qiye", S.enterprise)
    S.stranger = enterprise_account("qiye_other", EnterpriseFactory(name="另一家企业"))
    return S


def record(s, by=None, *, data=PDF, name="职代会纪要.pdf", on=None):
    return workers_report_record(
        hazard=s.hazard,
        by=by or s.account,
        reported_on=on or s.found + timedelta(days=2),
        data=data,
        file_name=name,
    )


def refused(s, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        record(s, **kwargs)
    return error.value


def test_the_enterprise_records_its_report_to_the_workers_congress_with_the_minutes(setup):
    report = record(setup)
    setup.hazard.refresh_from_db()
    assert setup.hazard.reported_to_workers == setup.found + timedelta(days=2)
    assert report.minutes.read() == PDF and report.recorded_by == setup.account
    event = HazardEvent.objects.filter(hazard=setup.hazard).last()
    assert event.action == Action.RECORD_DUAL_REPORT and event.actor == setup.account
    assert event.data["minutes"] == "职代会纪要.pdf"


def test_the_workflow_table_lets_the_enterprise_and_field_staff_record_it_not_a_leader(setup):
    assert Role.ENTERPRISE in workflow.WORKERS_REPORT_ROLES
    assert record(setup, by=setup.p.inspector).recorded_by == setup.p.inspector
    assert refused(setup, by=setup.p.leader).kind == Kind.ROLE


def test_only_a_major_hazard_is_reported_to_the_workers_congress(setup):
    setup.hazard = register(
        setup.p.inspector, enterprise=setup.enterprise, level=HazardLevel.GENERAL, found=setup.found
    )
    assert refused(setup).kind == Kind.STATE


def test_another_enterprises_account_cannot_record_it(setup):
    assert refused(setup, by=setup.stranger).kind == Kind.SCOPE
    assert not WorkersReport.objects.exists()


def test_the_report_date_is_neither_in_the_future_nor_before_the_hazard_was_found(setup):
    future = refused(setup, on=timezone.localdate() + timedelta(days=1))
    assert "不能晚于今天" in " ".join(future.fields["reported_on"])
    early = refused(setup, on=setup.found - timedelta(days=1))
    assert "不能早于隐患发现日期" in " ".join(early.fields["reported_on"])


def test_minutes_may_be_a_pdf_an_image_or_a_word_document(setup):
    assert record(setup, data=jpeg_bytes(), name="纪要.jpg").extension == "jpg"
    assert record(setup, data=docx_bytes(), name="纪要.docx").extension == "docx"


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"just some text", "纪要.txt", "不是 PDF"),
        (b"MZ\x90\x00binary", "纪要.pdf", "不是 PDF"),
        (PDF[:20], "纪要.pdf", "不是完整的 PDF"),
        (b"", "纪要.pdf", "空文件"),
        (jpeg_bytes()[:200], "纪要.jpg", "不是有效的图片"),
        (b"PK\x03\x04broken", "纪要.docx", "已损坏"),
    ],
)
def test_anything_else_is_refused_with_a_reason_and_nothing_is_stored(setup, data, name, says):
    error = refused(setup, data=data, name=name)
    assert says in " ".join(error.fields["file"])
    assert not WorkersReport.objects.exists()
    setup.hazard.refresh_from_db()
    assert setup.hazard.reported_to_workers is None


def test_a_word_document_with_macros_is_refused(setup):
    assert "含有宏" in " ".join(refused(setup, data=docx_bytes(macro=True)).fields["file"])


@override_settings(HAZARD_MINUTES_MAX_BYTES=1024)
def test_minutes_past_the_size_cap_are_refused(setup):
    big = PDF[:-7] + b" " * 2048 + b"%%EOF\n"
    assert "上限" in " ".join(refused(setup, data=big).fields["file"])


def test_the_enterprise_records_it_on_the_page_and_the_regulator_sees_it_on_the_hazard(
    setup, client
):
    client.force_login(setup.account)
    url = reverse("hazards:workers_report", args=[setup.hazard.pk])
    assert client.get(url).status_code == 200
    day = (setup.found + timedelta(days=1)).isoformat()
    upload = SimpleUploadedFile("职代会纪要.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"reported_on": day, "file": upload})
    assert response.status_code == 302
    report = WorkersReport.objects.get()
    file_response = client.get(report.get_absolute_url())
    assert b"".join(file_response.streaming_content) == PDF
    client.force_login(setup.p.reviewer)
    detail = client.get(setup.hazard.get_absolute_url()).content.decode()
    assert "职代会纪要.pdf" in detail and day in detail


def test_a_bad_file_on_the_page_is_an_error_never_a_500(setup, client):
    client.force_login(setup.account)
    url = reverse("hazards:workers_report", args=[setup.hazard.pk])
    upload = SimpleUploadedFile("纪要.exe", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(url, {"reported_on": date.today().isoformat(), "file": upload})
    assert response.status_code == 200
    assert "不是 PDF" in response.content.decode()
    assert not client.post(url, {}).status_code >= 500


def test_another_enterprises_account_gets_404_for_the_page_and_the_minutes(setup, client):
    report = record(setup)
    for outsider in (setup.stranger, setup.p.inspector_b):
        client.force_login(outsider)
        assert (
            client.get(reverse("hazards:workers_report", args=[setup.hazard.pk])).status_code == 404
        )
        assert client.get(report.get_absolute_url()).status_code == 404


def test_minutes_missing_from_storage_answer_404_not_500(setup, client):
    report = record(setup)
    report.minutes.storage.delete(report.minutes.name)
    client.force_login(setup.p.reviewer)
    response = client.get(report.get_absolute_url())
    assert response.status_code == 404
