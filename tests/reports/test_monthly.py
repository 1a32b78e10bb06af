"""Monthly progress reports: frozen figures equal independent SQL, city roll-ups, late filers."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from freezegun import freeze_time
from openpyxl import load_workbook

from accounts.choices import Role
from hazards.models import Hazard
from reports.choices import ReportState
from reports.models import MonthlyReport, Notification
from reports.monthly import figures, filing, services
from tests.factories import UserFactory
from tests.reports.monthly_helpers import AS_OF, ENTERED, START, _make, build, file


def sql(query: str, *params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0] or 0


def expected_by_sql(prefix: str, start: date, end: date) -> dict:
    """The same figures counted with raw SQL against live state on the as-of date."""
    base = "FROM hazards_hazard h WHERE h.region_id LIKE %s"
    like = prefix + "%"
    is_open = "h.state <> 'closed'"
    found = "h.found_date BETWEEN %s AND %s"
    closed = "h.state = 'closed' AND h.closed_date <= %s"
    major, general = "h.level = 'major'", "h.level = 'general'"
    return {
        "units_inspected": sql(
            f"SELECT COUNT(DISTINCT h.enterprise_id) {base} AND {found}", like, start, end
        ),
        "general_found": sql(f"SELECT COUNT(*) {base} AND {general} AND {found}", like, start, end),
        "general_rectified": sql(
            f"SELECT COUNT(*) {base} AND {general} AND {found} AND {closed}", like, start, end, end
        ),
        "general_overdue": sql(
            f"SELECT COUNT(*) {base} AND {general} AND {is_open} AND h.current_deadline < %s",
            like,
            end,
        ),
        "major_found": sql(f"SELECT COUNT(*) {base} AND {major} AND {found}", like, start, end),
        "major_closed": sql(
            f"SELECT COUNT(*) {base} AND {major} AND {found} AND {closed}", like, start, end, end
        ),
        "major_overdue": sql(
            f"SELECT COUNT(*) {base} AND {major} AND {is_open} AND h.current_deadline < %s",
            like,
            end,
        ),
        "overdue_open": sql(
            f"SELECT COUNT(*) {base} AND {is_open} AND h.current_deadline < %s", like, end
        ),
        "supervised": sql(
            "SELECT COUNT(DISTINCT s.hazard_id) FROM hazards_supervision s JOIN hazards_hazard h "
            "ON h.id = s.hazard_id WHERE h.region_id LIKE %s AND s.removed_at IS NULL",
            like,
        ),
        "stock_opening": sql(
            f"SELECT COUNT(*) {base} AND {major} AND h.found_date < %s "
            "AND (h.closed_date IS NULL OR h.closed_date >= %s)",
            like,
            start,
            start,
        ),
        "stock_new": sql(f"SELECT COUNT(*) {base} AND {major} AND {found}", like, start, end),
        "stock_closed": sql(
            f"SELECT COUNT(*) {base} AND {major} AND h.closed_date BETWEEN %s AND %s",
            like,
            start,
            end,
        ),
        "stock_carried": sql(f"SELECT COUNT(*) {base} AND {major} AND {is_open}", like),
        "stock_old": sql(
            f"SELECT COUNT(*) {base} AND {major} AND {is_open} AND h.found_date < '2024-01-01'",
            like,
        ),
        "funds": Decimal(sql(f"SELECT SUM(h.funds) {base} AND {found}", like, start, end)),
    }


def test_snapshot_equals_independent_sql_on_its_date(data):
    with freeze_time(AS_OF):
        expected = expected_by_sql("150623", START, AS_OF)
    build()
    report = MonthlyReport.objects.get(region_id="150623", year=2026, month=5)
    total = report.figures["total"]
    assert report.figures["period"] == {"start": "2026-04-21", "end": "2026-05-20"}
    for key, value in expected.items():
        assert Decimal(str(total[key])) == value, key
    # The numbers the test relies on are not all zero (a test that cannot fail is a defect).
    assert (total["major_found"], total["major_closed"], total["stock_old"]) == (3, 2, 1)
    assert (total["stock_opening"], total["stock_closed"], total["stock_carried"]) == (3, 3, 3)
    assert total["major_overdue"] == 2 and total["general_overdue"] == 1
    assert total["major_rate"] == round(200 / 3, 1)
    assert total["supervised"] == 1
    # Rows add up to the total, and the towns without hazards are listed with zeros.
    towns = {row["key"]: row for row in report.figures["by_region"]}
    assert set(towns) >= {"150623100", "150623101", "150623102"}
    assert sum(r["major_found"] for r in towns.values()) == total["major_found"]
    assert sum(r["overdue_open"] for r in report.figures["by_sector"]) == total["overdue_open"]
    assert figures.NOTE_NO_INSPECTIONS in report.figures["notes"]


def test_live_overdue_matches_the_model_query(data):
    build()
    report = MonthlyReport.objects.get(region_id="150623", year=2026, month=5)
    live = Hazard.objects.filter(region__code__startswith="150623").overdue(on=AS_OF).count()
    assert report.figures["total"]["overdue_open"] == live


def test_build_is_frozen_and_runs_once(data):
    build()
    frozen = MonthlyReport.objects.get(region_id="150623", month=5).figures
    _make(data, date(2026, 5, 21))
    assert build(date(2026, 5, 22)) == []
    assert MonthlyReport.objects.get(region_id="150623", month=5).figures == frozen
    assert MonthlyReport.objects.filter(month=5).count() == 3  # two counties and their city


def test_build_waits_for_the_configured_day(data):
    assert build(date(2026, 5, 19), force=False) == []
    assert len(build(date(2026, 5, 20), force=False)) == 2
    call_command("build_monthly_reports", "--date", "2026-06-03", stdout=io.StringIO())
    june = MonthlyReport.objects.get(region_id="150623", year=2026, month=6)
    assert june.figures["period"]["start"] == "2026-05-21"  # continues from May's snapshot


def _reviewer_b():
    return UserFactory(username="reviewer_b", role=Role.REVIEWER, region_id="150624")


def test_city_rolls_up_submitted_counties(data, client):
    build()
    a = MonthlyReport.objects.get(region_id="150623", month=5)
    b = MonthlyReport.objects.get(region_id="150624", month=5)
    city = MonthlyReport.objects.get(region_id="150600", month=5)
    assert city.figures["total"]["major_found"] == 0  # nothing submitted yet
    with freeze_time(date(2026, 5, 25)):
        file(a, data.reviewer)
    city.refresh_from_db()
    a.refresh_from_db()
    assert city.figures["total"] == figures.sum_rows([a.figures["total"]])
    with freeze_time(date(2026, 5, 26)):
        file(b, _reviewer_b())
    city.refresh_from_db()
    b.refresh_from_db()
    total = city.figures["total"]
    for key in figures.COUNT_KEYS:
        assert total[key] == a.figures["total"][key] + b.figures["total"][key], key
    assert total["major_found"] > a.figures["total"]["major_found"]
    assert total["major_rate"] == figures.rate(total["major_closed"], total["major_found"])
    assert [r["key"] for r in city.figures["by_region"]] == ["150623", "150624"]
    client.force_login(data.leader)
    page = client.get(f"/reports/{city.pk}/").content.decode()
    assert "鄂托克旗" in page and "已报送" in page


def test_late_county_shows_late_and_is_reminded_once(data, client):
    build()
    a = MonthlyReport.objects.get(region_id="150623", month=5)
    with freeze_time(date(2026, 5, 27)):
        file(a, data.reviewer)
    _reviewer_b()
    rows = filing.filing_status(city=a.region.parent, year=2026, month=5, today=date(2026, 5, 29))
    status = {r["region"].code: (r["submitted"], r["late"]) for r in rows}
    assert status["150623"] == (True, False) and status["150624"] == (False, True)
    client.force_login(data.leader)
    with freeze_time(date(2026, 5, 29)):
        page = client.get("/reports/filing/150600/?year=2026&month=5").content.decode()
    assert 'data-region="150624" data-late="true"' in page
    assert 'data-region="150623" data-late="false"' in page
    assert services.remind_late_filers(on=date(2026, 5, 28)) == 0  # due today, not late yet
    # The county's reviewer, and the city leader whose own roll-up is not filed either.
    assert services.remind_late_filers(on=date(2026, 5, 29)) == 2
    assert services.remind_late_filers(on=date(2026, 5, 30)) == 0
    late = Notification.objects.filter(title__contains="逾期未报送")
    assert sorted(late.values_list("user__username", flat=True)) == ["leader", "reviewer_b"]
    assert not late.filter(user=data.reviewer).exists()


def test_submit_rules_and_scope_in_the_api(data, client):
    build()
    a = MonthlyReport.objects.get(region_id="150623", month=5)
    client.force_login(data.inspector_b)
    assert client.get(f"/api/v1/reports/{a.pk}/").status_code == 404
    assert client.post(f"/api/v1/reports/{a.pk}/submit/").status_code == 404
    client.force_login(data.inspector)
    assert client.post(f"/api/v1/reports/{a.pk}/submit/").status_code == 403
    client.force_login(data.leader)  # sees the county's report but files only the city's
    assert client.post(f"/api/v1/reports/{a.pk}/submit/").status_code == 403
    client.force_login(data.reviewer)
    assert [r["region"] for r in client.get("/api/v1/reports/").json()["results"]] == ["150623"]
    refused = client.post(f"/api/v1/reports/{a.pk}/submit/")
    assert refused.status_code == 400 and "立案查处" in refused.json()["detail"]
    assert client.post(f"/api/v1/reports/{a.pk}/edit/", ENTERED).status_code == 200
    response = client.post(f"/api/v1/reports/{a.pk}/submit/")
    assert response.status_code == 200 and response.json()["state"] == ReportState.SUBMITTED
    again = client.post(f"/api/v1/reports/{a.pk}/submit/")
    assert again.status_code == 409 and "已报送" in again.json()["detail"]


def test_report_list_filters_are_shared_by_page_and_api(data, client):
    build()
    client.force_login(data.leader)
    for params, regions in (
        ({}, ["150600", "150623", "150624"]),
        ({"state": ReportState.DRAFT, "region": "150624"}, ["150624"]),
        ({"year": "2025"}, []),
    ):
        listed = client.get("/api/v1/reports/", params).json()["results"]
        assert sorted(r["region"] for r in listed) == regions
        page = client.get("/reports/", params)
        assert sorted(r.region_id for r in page.context["page"]) == regions
    # A bad value is shown and lists nothing, on the page as in the API.
    page = client.get("/reports/", {"state": "lost"})
    assert page.status_code == 200 and not list(page.context["page"])
    assert page.context["filter_errors"][0].startswith("状态：")
    bad = client.get("/api/v1/reports/", {"state": "lost"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("状态：")
    # Another county is not a choice for its reviewer.
    client.force_login(data.reviewer)
    assert client.get("/api/v1/reports/", {"region": "150624"}).status_code == 400


def test_report_downloads(data, client, tmp_path):
    build()
    a = MonthlyReport.objects.get(region_id="150623", month=5)
    client.force_login(data.reviewer)
    xlsx = client.get(f"/api/v1/reports/{a.pk}/report.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["按地区"]
    assert "鄂托克前旗2026年5月" in sheet["A1"].value
    total_row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "合计")
    assert total_row[2] == "本月" and total_row[10] == a.figures["total"]["major_found"]
    pdf = client.get(f"/api/v1/reports/{a.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "鄂托克前旗2026年5月" in text.replace(" ", "")
    assert "上海庙镇" in text
    page = client.get(f"/reports/{a.pk}/").content.decode()
    assert "审核报送" in page and "上海庙镇" in page


def test_units_inspected_counts_completed_visits_once_visits_are_logged(personas):
    from datetime import date

    from inspections.models import Inspection
    from reports.monthly.figures import NOTE_NO_INSPECTIONS, region_figures
    from tests.factories import EnterpriseFactory

    county = personas.inspector.region
    span = {"start": date(2026, 5, 1), "end": date(2026, 5, 31), "year_start": date(2026, 1, 1)}
    before = region_figures(county, **span)
    assert before["notes"] == [NOTE_NO_INSPECTIONS]
    a, b = EnterpriseFactory(), EnterpriseFactory()
    for enterprise, day, status in ((a, 3, "done"), (a, 9, "done"), (b, 12, "scheduled")):
        Inspection.objects.create(
            enterprise=enterprise,
            region=enterprise.region,
            date=date(2026, 5, day),
            status=status,
            method="random",
            department=personas.inspector.department,
            sector=enterprise.sector,
        )
    after = region_figures(county, **span)
    assert after["notes"] == [] and after["total"]["units_inspected"] == 1
    town = next(r for r in after["by_region"] if r["key"] == a.region.code[:9])
    assert town["units_inspected"] == 1
