"""本年累计 beside 本月 in the breakdown tables (page, PDF, Excel), frozen versions filed before
the breakdown rows had it, and the grouped build equal to the per-county figures."""

from __future__ import annotations

import io
import subprocess
from datetime import date

from django.db.models.functions import Substr
from freezegun import freeze_time
from openpyxl import load_workbook

from core.models import Region
from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardSource, HazardState, UrgingKind
from hazards.models import Hazard
from reports.models import MonthlyReport
from reports.monthly import documents
from reports.monthly.figures import YEAR, counties_figures, region_figures
from reports.monthly.services import report_build_city
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import advance, register
from tests.reports.monthly_helpers import AS_OF, _make, build, file

# Hand-counted from monthly_helpers.make_data: the period is 2026-04-21 … 2026-05-20, the year
# (the year's reporting periods) 2025-12-21 … 2026-05-20. In 上海庙镇 (150623101) the major
# hazards found are those of 04-28 and 05-10 in the period, and of 03-01, 04-10, 04-28 and
# 05-10 in the year; of these, closed by 05-20: 05-10 (period) and 03-01, 05-10 (year). The
# opening stock of the period is 2023-06-01, 03-01 and 04-10; of the year, 2023-06-01 only.
TOWN_101 = {
    "本月": {"major_found": 2, "major_closed": 1, "major_rate": 50.0, "stock_opening": 3},
    "本年累计": {"major_found": 4, "major_closed": 2, "major_rate": 50.0, "stock_opening": 1},
}
# 城川镇 (150623102): the major hazard of 04-25 (closed 05-10) and the general one of 05-20.
TOWN_102 = {
    "本月": {"major_found": 1, "general_found": 1, "stock_opening": 0},
    "本年累计": {"major_found": 1, "general_found": 1, "stock_opening": 0},
}
# 合计: five major hazards found in the year, three in the period; 危险化学品 (every hazard but
# the 城川镇 gas one) four and two.
TOTAL = {"本月": {"major_found": 3, "stock_new": 3}, "本年累计": {"major_found": 5, "stock_new": 5}}
HAZCHEM = {"本月": {"major_found": 2}, "本年累计": {"major_found": 4}}
COLUMN = {
    key: i
    for i, key in enumerate(documents.TABLE_KEYS, start=3)  # 序号, name, 时段 before them
}


def county():
    return MonthlyReport.objects.get(region_id="150623", year=2026, month=5)


def sheet_lines(content: bytes, sheet: str) -> dict[tuple[str, str], tuple]:
    """{(row name, 时段): values} of a breakdown sheet (the name cell spans both lines)."""
    rows = list(load_workbook(io.BytesIO(content))[sheet].iter_rows(min_row=5, values_only=True))
    lines, name = {}, None
    for row in rows:
        if row[2] not in ("本月", "本年累计"):
            continue
        name = row[1] or name
        lines[(name, row[2])] = row
    return lines


def pdf_lines(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    return [" ".join(line.split()) for line in text.splitlines()]


def expect(lines, name: str, when: str, figures: dict) -> None:
    row = lines[(name, when)]
    for key, value in figures.items():
        assert row[COLUMN[key]] == value, (name, when, key)


def test_every_region_and_sector_row_has_its_year_to_date_in_the_excel(data, client):
    build()
    client.force_login(data.reviewer)
    with freeze_time(AS_OF):
        content = client.get(f"/reports/{county().pk}/report.xlsx").content
    regions = sheet_lines(content, "按地区")
    for when in ("本月", "本年累计"):
        expect(regions, "上海庙镇", when, TOWN_101[when])
        expect(regions, "城川镇", when, TOWN_102[when])
        expect(regions, "合计", when, TOTAL[when])
        expect(sheet_lines(content, "按行业领域"), "危险化学品", when, HAZCHEM[when])
    # Towns without hazards have zeros in both lines, not blanks.
    assert regions[("昂素镇", "本年累计")][COLUMN["major_found"]] == 0
    # The year's lines add up to the year's 合计 (and equal the summary's 本年累计).
    towns = [v for (name, when), v in regions.items() if when == "本年累计" and name != "合计"]
    col = COLUMN["major_found"]
    assert sum(v[col] for v in towns) == regions[("合计", "本年累计")][col] == 5
    assert county().figures["year_total"]["major_found"] == 5


def test_every_region_and_sector_row_has_its_year_to_date_in_the_pdf_and_on_the_page(
    data, client, tmp_path
):
    build()
    client.force_login(data.reviewer)
    with freeze_time(AS_OF):
        pdf = client.get(f"/reports/{county().pk}/report.pdf").content
        page = client.get(f"/reports/{county().pk}/").content.decode()
    lines = pdf_lines(pdf, tmp_path)
    text = "".join(lines).replace(" ", "")
    assert "按地区统计（本月/本年累计）" in text and "按行业领域统计（本月/本年累计）" in text

    # A row's name sits between its 本月 line and its 本年累计 line (it spans both).
    at = next(i for i, line in enumerate(lines) if "上海庙镇" in line)
    near = lines[at - 1 : at + 2]
    month = next(line for line in near if "本月" in line).split("本月", 1)[1].split()
    year = next(line for line in near if "本年累计" in line).split("本年累计", 1)[1].split()
    for numbers, when in ((month, "本月"), (year, "本年累计")):
        assert len(numbers) == len(documents.TABLE_KEYS)
        for key, value in TOWN_101[when].items():
            assert numbers[COLUMN[key] - 3] == str(value), (when, key)
    assert month != year
    assert "本年累计" in page and "2025-12-21 至 2026-05-20" in page
    assert page.count('<td class="text-nowrap">本年累计</td>') >= 2 + 5  # both 合计, 5 towns


def test_a_version_filed_before_rows_had_their_year_shows_dashes_and_still_renders(
    data, client, tmp_path
):
    build()
    with freeze_time(date(2026, 5, 22)):
        file(county(), data.reviewer)
    report = county()
    version = report.versions.get()
    # What a filing made before this change froze: breakdown rows with 本月 only.
    old = dict(version.figures)
    for section in ("by_region", "by_sector"):
        old[section] = [{k: v for k, v in row.items() if k != YEAR} for row in old[section]]
    version.figures = old
    version.save(update_fields=["figures"])
    MonthlyReport.objects.filter(pk=report.pk).update(figures=old)

    regions = sheet_lines(documents.version_xlsx(version), "按地区")
    assert regions[("上海庙镇", "本月")][COLUMN["major_found"]] == 2
    assert set(regions[("上海庙镇", "本年累计")][3:]) == {"—"}
    assert regions[("合计", "本年累计")][COLUMN["major_found"]] == 5  # the summary's year
    lines = pdf_lines(documents.version_pdf(version), tmp_path)
    year_lines = [line for line in lines if line.startswith("本年累计") and "—" in line]
    assert year_lines and all(set(line.split()[1:]) == {"—"} for line in year_lines)
    client.force_login(data.reviewer)
    assert client.get(f"/reports/{report.pk}/").status_code == 200

    # The city rolls up the old filing: its sector rows have no year (shown "—"), its county
    # rows take the county's 本年累计.
    with freeze_time(date(2026, 5, 23)):
        city = report_build_city(
            region=Region.objects.get(code="150600"), year=2026, month=5, on=AS_OF
        )
    assert all(YEAR not in row for row in city.figures["by_sector"])
    ours = next(r for r in city.figures["by_region"] if r["key"] == "150623")
    assert ours[YEAR]["major_found"] == 5
    client.force_login(data.leader)
    with freeze_time(date(2026, 5, 23)):
        response = client.get(f"/reports/{city.pk}/report.xlsx")
    assert response.status_code == 200
    sectors = sheet_lines(response.content, "按行业领域")
    assert set(sectors[("危险化学品", "本年累计")][3:]) == {"—"}


# The grouped build


def _varied(personas):
    """Hazards of two counties (and the county itself), several sectors, sources and states,
    found and closed on both sides of the period's and the year's first days; a 挂牌督办, urging
    measures and completed visits in one county only."""
    p = personas
    for found, close_on in (
        (date(2025, 12, 20), None),  # the day before the year starts
        (date(2025, 12, 21), date(2026, 4, 20)),  # the year's first day; closed before period
        (date(2026, 4, 20), date(2026, 4, 21)),  # the day before the period; closed on its first
        (date(2026, 4, 21), date(2026, 5, 20)),  # the period's first day; closed on its last
        (date(2024, 3, 1), date(2026, 1, 5)),  # old stock closed in the year
        (date(2023, 11, 30), None),
    ):
        _make(p, found, close_on=close_on)
        # (150624's hazards stay open: the fixture has no reviewer there.)
        state = HazardState.RECTIFYING if close_on else None
        _make(p, found, level=HazardLevel.GENERAL, town="150624", to=state)
    _make(p, date(2026, 2, 1), town="150623102", sector="gas", to=HazardState.RECTIFYING)
    _make(p, date(2026, 5, 1), town="150623400", sector="gas", days=3)
    _make(p, date(2026, 1, 15), town="150624", sector="gas", level=HazardLevel.GENERAL)
    with freeze_time(date(2026, 5, 3)):
        for town, source in (
            ("150623101", HazardSource.SELF_REPORT),
            ("150624", HazardSource.SELF_REPORT),
            ("150623", HazardSource.UNANNOUNCED),  # registered on the county itself
        ):
            enterprise = EnterpriseFactory(region=Region.objects.get(code=town))
            by = p.inspector_b if town == "150624" else p.inspector
            register(by, enterprise=enterprise, found=date(2026, 5, 3), source=source)
    listed = _make(p, date(2026, 1, 10), days=20, to=HazardState.RECTIFYING)
    with freeze_time(date(2026, 2, 1)):
        workflow.apply(
            hazard=listed,
            action=Action.LIST_SUPERVISION,
            by=p.reviewer,
            level="county",
            issuing_unit="鄂托克前旗安委办",
            doc_no="鄂前安办督〔2026〕2号",
            deadline="2026-06-30",
        )
    with freeze_time(date(2026, 5, 3)):
        for kind, day in (
            (UrgingKind.INTERVIEW, "2026-01-20"),
            (UrgingKind.BULLETIN, "2026-05-02"),
        ):
            workflow.apply(
                hazard=listed,
                action=Action.RECORD_URGING,
                by=p.reviewer,
                urging_kind=kind,
                urging_date=day,
                comment="约谈",
            )
    from inspections.models import Inspection

    for day in (date(2026, 1, 8), date(2026, 5, 2)):
        Inspection.objects.create(
            enterprise=listed.enterprise,
            region=listed.enterprise.region,
            date=day,
            status="done",
            method="random",
            department=p.inspector.department,
            sector=listed.enterprise.sector,
        )
    with freeze_time(date(2026, 5, 4)):
        h = _make(p, date(2026, 5, 4), town="150623102", level=HazardLevel.GENERAL)
        advance(h, HazardState.CLOSED, inspector=p.inspector, reviewer=p.reviewer)


def test_the_grouped_figures_of_all_counties_equal_each_county_counted_alone(personas):
    _varied(personas)
    counties = list(Region.objects.filter(code__in=["150602", "150623", "150624"]).order_by("code"))
    codes = set(Hazard.objects.annotate(c=Substr("region_id", 1, 6)).values_list("c", flat=True))
    assert codes == {"150623", "150624"}
    span = {"start": date(2026, 4, 21), "end": AS_OF, "year_start": date(2025, 12, 21)}
    with freeze_time(AS_OF):
        together = counties_figures(counties, **span)
        alone = {c.code: region_figures(c, **span) for c in counties}
    assert together == alone
    # The fixture is varied enough for the comparison to mean something.
    a, b = alone["150623"], alone["150624"]
    assert a["notes"] == [] and b["notes"] != []  # only 150623 logs its visits
    assert a["total"]["major_found"] != a["year_total"]["major_found"]
    assert a["total"]["supervised"] == 1 and a["year_total"]["interviews"] == 1
    assert a["total"]["major_self"] == 1 and b["total"]["general_self"] == 0
    assert b["year_total"]["general_found"] > b["total"]["general_found"] > 0
    assert {r["label"] for r in a["by_region"]} >= {"上海庙镇", "城川镇", "鄂托克前旗（本级）"}
    assert len(a["by_sector"]) == 2 and alone["150602"]["total"]["major_found"] == 0
