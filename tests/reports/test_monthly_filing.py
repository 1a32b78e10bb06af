"""Filing monthly reports: returns and corrections as frozen versions, the city's view of every
county, the provincial form's columns, the narrative and signature block, and one period."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest
from django.core.management import call_command
from freezegun import freeze_time
from openpyxl import load_workbook

from accounts.choices import Role
from core.errors import Kind, ServiceError
from core.models import Region
from hazards import workflow
from hazards.choices import Action, HazardSource, UrgingKind
from reports.choices import ReportState
from reports.dashboard.periods import resolve_period
from reports.models import MonthlyReport, Notification
from reports.monthly import filing
from reports.monthly.documents import read_file
from tests.factories import UserFactory
from tests.hazard_helpers import register
from tests.reports.monthly_helpers import ENTERED, _make, build, file


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return text.replace(" ", "").replace("\n", "")  # lines wrap anywhere in a table cell


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        " ".join(str(v) for v in row if v is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def summary_value(content: bytes, label: str) -> tuple:
    """(本月, 本年累计) of one figure in the Excel summary sheet."""
    sheet = load_workbook(io.BytesIO(content))["汇总表"]
    return next((r[2], r[3]) for r in sheet.iter_rows(values_only=True) if r[1] == label)


def county(code="150623"):
    return MonthlyReport.objects.get(region_id=code, year=2026, month=5)


def city():
    return MonthlyReport.objects.get(region_id="150600", year=2026, month=5)


@pytest.fixture
def reviewer_b(db):
    return UserFactory(username="reviewer_b", role=Role.REVIEWER, region_id="150624")


# 退回 and 更正


def test_the_city_returns_a_county_report_with_a_reason_and_its_filers_are_told(data):
    build()
    with freeze_time(date(2026, 5, 22)):
        file(county(), data.reviewer)
    assert city().figures["total"]["major_found"] == county().figures["total"]["major_found"]
    for who in (data.reviewer, data.inspector_b):
        with pytest.raises(ServiceError) as refused:
            filing.report_return(report=county(), by=who, reason="数据有误")
        assert refused.value.kind == Kind.ROLE
    with pytest.raises(ServiceError) as no_reason:
        filing.report_return(report=county(), by=data.leader, reason="  ")
    assert no_reason.value.field == "reason"
    filing.report_return(report=county(), by=data.leader, reason="重大隐患数与台账不符")
    returned = county()
    assert returned.state == ReportState.RETURNED
    assert returned.return_reason == "重大隐患数与台账不符"
    assert returned.versions.get().return_reason == "重大隐患数与台账不符"
    assert Notification.objects.filter(user=data.reviewer, title__contains="被退回").exists()
    # A returned report is not rolled up: the city waits for the correction.
    assert city().figures["total"]["major_found"] == 0
    with pytest.raises(ServiceError) as twice:
        filing.report_return(report=county(), by=data.leader, reason="再退")
    assert twice.value.kind == Kind.STATE


def test_a_corrected_filing_is_a_new_version_and_every_version_stays_as_filed(data, tmp_path):
    build()
    with freeze_time(date(2026, 5, 22)):
        file(county(), data.reviewer, cases_filed=2)
        filing.report_return(report=county(), by=data.leader, reason="立案数漏报")
    first_found = county().figures["total"]["major_found"]
    # The county registers a hazard it had missed (found in the period) and corrects.
    _make(data, date(2026, 5, 12))
    with freeze_time(date(2026, 5, 23)):
        filing.report_reopen(report=county(), by=data.reviewer)
        file(county(), data.reviewer, cases_filed=5)
    report = county()
    assert report.state == ReportState.SUBMITTED
    assert report.figures["total"]["major_found"] == first_found + 1
    v1, v2 = report.versions.order_by("number")
    assert (v1.number, v2.number, v2.label) == (1, 2, "更正（第2版）")
    assert v1.figures["total"]["cases_filed"] == 2 and v2.figures["total"]["cases_filed"] == 5
    assert v1.figures["total"]["major_found"] == first_found
    # The files rendered at each filing are kept and served as they were.
    assert summary_value(read_file(v1.xlsx), "立案查处") == (2, 2)
    assert summary_value(read_file(v2.xlsx), "立案查处") == (5, 5)
    assert "立案数漏报" not in pdf_text(read_file(v2.pdf), tmp_path)
    # The latest version is the one rolled up.
    assert city().figures["total"]["major_found"] == first_found + 1
    assert city().figures["total"]["cases_filed"] == 5


def test_every_version_is_downloadable_on_the_page_and_the_latest_is_the_report(data, client):
    build()
    with freeze_time(date(2026, 5, 22)):
        file(county(), data.reviewer, cases_filed=2)
        filing.report_reopen(report=county(), by=data.reviewer)
        file(county(), data.reviewer, cases_filed=7)
    report = county()
    client.force_login(data.leader)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "更正（第2版）" in page and "首次报送" in page
    first = client.get(f"/reports/{report.pk}/versions/1/report.xlsx")
    assert first.status_code == 200 and summary_value(first.content, "立案查处")[0] == 2
    current = client.get(f"/reports/{report.pk}/report.xlsx")
    assert summary_value(current.content, "立案查处")[0] == 7
    assert client.get(f"/reports/{report.pk}/versions/3/report.pdf").status_code == 404
    client.force_login(data.inspector_b)
    assert client.get(f"/reports/{report.pk}/versions/1/report.pdf").status_code == 404


def test_a_county_filing_after_the_city_filed_marks_the_city_report_stale(data, reviewer_b):
    build()
    with freeze_time(date(2026, 5, 22)):
        file(county(), data.reviewer)
        filing.report_submit(report=city(), by=data.leader, missing_reason="鄂托克旗系统故障")
    assert city().state == ReportState.SUBMITTED and not city().stale
    with freeze_time(date(2026, 5, 24)):
        file(county("150624"), reviewer_b)
    stale = city()
    assert stale.stale
    change = stale.stale_changes[-1]
    assert (change["region"], change["what"]) == ("鄂托克旗", "报送")
    assert any(line.startswith("重大隐患 发现：") for line in change["changes"])
    # A correction says what changed, old → new.
    with freeze_time(date(2026, 5, 25)):
        filing.report_reopen(report=county(), by=data.reviewer)
        file(county(), data.reviewer, cases_filed=9)
    change = city().stale_changes[-1]
    assert change["what"] == "更正" and "立案查处：1 → 9" in change["changes"]
    assert Notification.objects.filter(user=data.leader, title__contains="待更新").exists()
    # The city re-files: a new version, no longer stale.
    with freeze_time(date(2026, 5, 26)):
        filing.report_reopen(report=city(), by=data.leader)
        filing.report_submit(report=city(), by=data.leader)
    refiled = city()
    assert not refiled.stale and refiled.versions.count() == 2
    assert refiled.figures["total"]["cases_filed"] == 9 + ENTERED["cases_filed"]


# The city's view of every county


def test_the_city_report_lists_every_county_of_the_city_even_without_users_or_data(data, client):
    build()
    rows = filing.filing_status(
        city=Region.objects.get(pk="150600"), year=2026, month=5, today=date(2026, 5, 21)
    )
    expected = list(
        Region.objects.filter(parent_id="150600", level="county")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    assert [r["region"].pk for r in rows] == expected and len(expected) == 9
    by_code = {r["region"].pk: r for r in rows}
    assert by_code["150602"]["report"] is None and not by_code["150602"]["has_users"]
    assert by_code["150623"]["has_users"]
    client.force_login(data.leader)
    page = client.get("/reports/filing/150600/?year=2026&month=5").content.decode()
    for name in ("东胜区", "康巴什区", "伊金霍洛旗", "鄂托克前旗"):
        assert name in page
    assert "无本系统用户" in page
    detail = client.get(city().get_absolute_url()).content.decode()
    assert "东胜区" in detail


def test_a_city_report_with_counties_missing_needs_a_reason_which_prints_on_it(data, tmp_path):
    build()
    with freeze_time(date(2026, 5, 22)):
        file(county(), data.reviewer)
    with pytest.raises(ServiceError) as refused:
        filing.report_submit(report=city(), by=data.leader)
    assert refused.value.field == "missing_reason" and "东胜区" in refused.value.message
    assert city().state == ReportState.DRAFT and not city().versions.exists()
    reason = "其余旗区系统尚未部署，数据线下报送"
    filing.report_submit(report=city(), by=data.leader, missing_reason=reason)
    version = city().versions.get()
    assert "鄂托克旗" in version.texts["missing"] and "鄂托克前旗" not in version.texts["missing"]
    pdf, xlsx = pdf_text(read_file(version.pdf), tmp_path), xlsx_text(read_file(version.xlsx))
    assert reason in pdf and reason in xlsx.replace(" ", "")
    # Every county of the city is listed with its filing state, on the PDF and the Excel.
    for text in (pdf, xlsx.replace(" ", "")):
        assert "鄂托克前旗已报送（2026-05-22）" in text
        assert "鄂托克旗未报送" in text
        assert "东胜区未生成报告（无本系统用户）" in text


# The provincial form's columns


def test_hazards_found_by_self_inspection_and_by_departments_are_counted_apart(data):
    _make(data, date(2026, 5, 3))  # department inspection (the default source)
    with freeze_time(date(2026, 5, 4)):
        for source in (
            HazardSource.SELF_REPORT,
            HazardSource.SELF_REPORT,
            HazardSource.UNANNOUNCED,
        ):
            register(data.inspector, found=date(2026, 5, 4), source=source)
    build()
    total = county().figures["total"]
    assert total["major_self"] == 2
    assert total["major_dept"] == total["major_found"] - 2 and total["major_dept"] >= 2
    assert total["general_self"] + total["general_dept"] == total["general_found"]


def test_enforcement_figures_come_from_urging_measures_and_stoppage_orders(data):
    from inspections.choices import DocumentType
    from inspections.models import EnforcementDocument, Inspection

    hazard = _make(data, date(2026, 5, 2))
    other = _make(data, date(2026, 5, 2))
    for h, kind, day in (
        (hazard, UrgingKind.INTERVIEW, "2026-05-10"),
        (hazard, UrgingKind.BULLETIN, "2026-05-10"),
        (hazard, UrgingKind.EXPOSURE, "2026-05-11"),
        (other, UrgingKind.INTERVIEW, "2026-05-11"),
        (hazard, UrgingKind.INTERVIEW, "2026-05-10"),  # the same measure on a second hazard
    ):
        with freeze_time(date(2026, 5, 12)):
            workflow.apply(
                hazard=h,
                action=Action.RECORD_URGING,
                by=data.reviewer,
                urging_kind=kind,
                urging_date=day,
                comment="约谈主要负责人",
            )
    inspection = Inspection.objects.create(
        enterprise=other.enterprise,
        region=other.enterprise.region,
        date=date(2026, 5, 6),
        status="done",
        method="open",
        department=data.inspector.department,
        sector=other.enterprise.sector,
    )
    with freeze_time(date(2026, 5, 6)):
        EnforcementDocument.objects.create(
            inspection=inspection,
            type=DocumentType.MEASURES,
            issuer="鄂前应急",
            kind="现决",
            year=2026,
            sequence=1,
            number="鄂前应急现决〔2026〕1号",
            sha256="0" * 64,
            size=1,
            data={"stoppage": "full"},
            issued_by=data.inspector,
        )
    build()
    total = county().figures["total"]
    assert (total["interviews"], total["bulletins"], total["exposures"]) == (2, 1, 1)
    assert total["stoppage"] == 1 and total["units_inspected"] == 1


def test_entered_figures_are_required_before_filing_and_add_up_over_the_year(data):
    build(date(2026, 4, 20))
    april = MonthlyReport.objects.get(region_id="150623", year=2026, month=4)
    with pytest.raises(ServiceError) as refused:
        filing.report_submit(report=april, by=data.reviewer)
    assert "立案查处" in refused.value.message and "移送司法机关" in refused.value.message
    with pytest.raises(ServiceError) as negative:
        filing.report_update(report=april, by=data.reviewer, data={"fines": "-1"})
    assert negative.value.field == "fines"
    with freeze_time(date(2026, 4, 22)):
        file(april, data.reviewer, cases_filed=2, fines="1.25")
    build()
    with freeze_time(date(2026, 5, 22)):
        file(county(), data.reviewer, cases_filed=3, fines="0.5")
    may = county()
    assert (may.figures["total"]["cases_filed"], may.figures["year_total"]["cases_filed"]) == (3, 5)
    assert may.figures["year_total"]["fines"] == 1.75
    with pytest.raises(ServiceError) as frozen:
        filing.report_update(report=may, by=data.reviewer, data={"cases_filed": 4})
    assert frozen.value.kind == Kind.STATE


def test_every_figure_has_its_year_to_date_beside_the_month(data):
    build()
    figures = county().figures
    assert set(figures["total"]) <= set(figures["year_total"]) | set(filing.fig.ENTERED_KEYS)
    assert figures["year_period"] == {"start": "2025-12-21", "end": "2026-05-20"}
    # The hazard found on 2026-03-01 is in the year, not in the month.
    assert figures["year_total"]["major_found"] == figures["total"]["major_found"] + 2
    for key in ("stock_carried", "stock_old", "overdue_open"):  # states at the period's end
        assert figures["year_total"][key] == figures["total"][key]


# The narrative and the signature block


def test_the_narrative_and_signature_print_on_the_pdf_and_the_excel(data, client, tmp_path):
    build()
    client.force_login(data.reviewer)
    form = {
        **ENTERED,
        "work_done": "开展燃气专项检查12家",
        "problems": "个别企业资金未落实",
        "next_steps": "月底前完成复查",
        "filled_by": "李明",
        "reviewed_by": "王强",
        "phone": "0477-7621234",
    }
    with freeze_time(date(2026, 5, 22)):
        response = client.post(f"/reports/{county().pk}/submit/", form)
        assert response.status_code == 302 and county().state == ReportState.SUBMITTED
        pdf = pdf_text(client.get(f"/reports/{county().pk}/report.pdf").content, tmp_path)
        xlsx = xlsx_text(client.get(f"/reports/{county().pk}/report.xlsx").content)
    for text in (pdf, xlsx):
        for expected in ("开展燃气专项检查12家", "个别企业资金未落实", "月底前完成复查"):
            assert expected in text
        for expected in (
            "填表人：李明",
            "审核人：王强",
            "联系电话：0477-7621234",
            "报送日期：2026-05-22",
        ):
            assert expected in text.replace(" ", "")
    assert "部门检查" in pdf and "本年累计" in pdf and "动态清零" in pdf


# One period


def test_the_dashboard_this_period_is_the_monthly_report_period(data, client):
    build()
    period = resolve_period({"period": "report"}, date(2026, 5, 9))
    filed = county().figures["period"]
    assert (period.start.isoformat(), period.end.isoformat()) == (filed["start"], filed["end"])
    after = resolve_period({"period": "report"}, date(2026, 5, 21))
    assert (after.start, after.end) == (date(2026, 5, 21), date(2026, 6, 20))
    new_year = resolve_period({"period": "report"}, date(2025, 12, 25))
    assert (new_year.start, new_year.end) == (date(2025, 12, 21), date(2026, 1, 20))
    client.force_login(data.leader)
    with freeze_time(date(2026, 5, 9)):
        page = client.get("/dashboard/?period=report").content.decode()
        detail = client.get(county().get_absolute_url()).content.decode()
    assert "本期" in page and "2026-04-21 至 2026-05-20" in page
    assert "统计时段 2026-04-21 至 2026-05-20" in detail


def test_a_late_build_keeps_the_configured_period(data):
    call_command("build_monthly_reports", "--date", "2026-05-23", stdout=io.StringIO())
    assert county().figures["period"] == {"start": "2026-04-21", "end": "2026-05-20"}


# The menu


def test_leaders_and_reviewers_have_a_menu_entry_for_the_filing_status(data, client):
    client.force_login(data.leader)
    page = client.get("/", follow=True).content.decode()
    assert 'id="menu-monthly"' in page and "/reports/filing/150600/" in page
    client.force_login(data.reviewer)
    assert 'id="menu-monthly"' in client.get("/", follow=True).content.decode()
    client.force_login(data.inspector)
    assert 'id="menu-monthly"' not in client.get("/", follow=True).content.decode()


def test_a_county_clerk_edits_the_report_only_before_it_is_filed(data, client):
    build()
    client.force_login(data.reviewer)
    for bad in ("abc", "NaN", "1e400", "-2", "1.5"):
        response = client.post(
            f"/reports/{county().pk}/edit/", {"work_done": "初稿", "cases_filed": bad}
        )
        assert response.status_code == 302
        assert county().work_done == ""  # nothing half-saved on bad input
    client.post(f"/reports/{county().pk}/edit/", {"work_done": "初稿", "cases_filed": "4"})
    assert county().work_done == "初稿" and county().entered["cases_filed"] == 4
    client.force_login(data.inspector)
    client.post(f"/reports/{county().pk}/edit/", {"work_done": "改写"})
    assert county().work_done == "初稿"
