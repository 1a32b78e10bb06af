"""The judgment-standard catalog: what is loaded, which standard applies on a hazard's found
date, which clauses an enterprise is offered, and the one search across standards."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Sector
from hazards.choices import HazardLevel, StandardStatus
from hazards.models import Clause, JudgmentStandard
from hazards.services import (
    basis_gap,
    chinese_number,
    clause_offer,
    clause_search,
    standard_tasks,
    standards_apply,
    standards_load,
    standards_plan,
)
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import register

pytestmark = pytest.mark.django_db

LOADED = {
    "gongmao-2023": 64,
    "huagong-2017": 20,
    "yanhua-2017": 20,
    "meikuang-2020": 96,
    "meikuang-2026": 140,
    "ranqi-2023": 22,
    "fangwu-shizheng-2024": 53,
    "feimei-2022": 9,
    "yuye-chuanbo-2022": 8,
    "dianli-2026": 49,
    "daolu-yunshu-2023": 7,
    "minbao-2024": 5,
}


def sector(code: str) -> Sector:
    return Sector.objects.get(code=code)


def codes(clauses) -> set[str]:
    return set(clauses.values_list("standard__code", flat=True))


def entry(code="xiaofang-2025", **fields) -> dict:
    """A standard in the shared JSON schema."""
    return {
        "code": code,
        "name": "消防安全重大隐患判定标准",
        "doc_no": "GB 35181—2025",
        "sector": "消防",
        "effective": "2025-01-01",
        "complete": True,
        "clauses": [
            {"ref": "第5.1条", "article": 5, "item": 1, "text": "未按规定设置消防车通道的"},
            {"ref": "第5.2条", "article": 5, "item": 2, "text": "消防给水系统不能正常运行的"},
        ],
        **fields,
    }


# ---------------------------------------------------------------- what is loaded


def test_all_twelve_standards_are_loaded_with_their_clauses():
    loaded = {
        s.code: s.clauses.count() for s in JudgmentStandard.objects.prefetch_related("clauses")
    }
    assert loaded == LOADED


def test_every_standard_applies_to_its_sectors():
    def sectors_of(code):
        return set(JudgmentStandard.objects.get(code=code).sectors.values_list("code", flat=True))

    assert sectors_of("yuye-chuanbo-2022") == {"fishing_vessel"}
    assert sectors_of("dianli-2026") == {"power"}
    assert sectors_of("daolu-yunshu-2023") == {"road"}
    assert sectors_of("minbao-2024") == {"explosives"}
    assert {"industry", "metallurgy", "ammonia", "confined_space", "dust"} <= sectors_of(
        "gongmao-2023"
    )
    assert all(JudgmentStandard.objects.get(code=code).sectors.exists() for code in LOADED)


def test_fishing_vessels_are_a_sector_supervised_by_agriculture():
    fishing = sector("fishing_vessel")
    assert fishing.name == "渔业船舶" and fishing.get_supervisor_kind_display() == "农业农村局"


def test_incomplete_standards_say_so_and_what_is_missing():
    road = JudgmentStandard.objects.get(code="daolu-yunshu-2023")
    explosives = JudgmentStandard.objects.get(code="minbao-2024")
    assert not road.complete and "第五条" in road.missing
    assert not explosives.complete and "六" in explosives.missing


# Web addresses aside (and abbreviations such as PDF), what a user reads is Chinese.
ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")
WEB_ADDRESS = re.compile(r"https?://\S+")
SHOWN = (
    "name",
    "doc_no",
    "issuer",
    "sector_label",
    "successor_note",
    "supersedes_note",
    "status_note",
    "missing",
    "notes",
    "source",
)


def test_what_the_page_and_the_api_say_of_a_shipped_standard_is_chinese():
    texts = [
        (standard.code, name, getattr(standard, name))
        for standard in JudgmentStandard.objects.filter(code__in=LOADED)
        for name in SHOWN
    ]
    texts += [
        (clause.standard.code, clause.ref, text)
        for clause in Clause.objects.filter(standard__code__in=LOADED).select_related("standard")
        for text in (clause.ref, clause.lead_in, clause.sub_sector, clause.text)
    ]
    english = [
        (code, name, text[:40])
        for code, name, text in texts
        if ENGLISH_WORD.search(WEB_ADDRESS.sub("", text or ""))
    ]
    assert english == []


def test_articles_keep_their_lead_in():
    clause = Clause.objects.get(standard__code="dianli-2026", ref="第六条第（一）项")
    assert clause.lead_in.startswith("单套容量200兆瓦以上")


def test_loading_again_changes_nothing():
    before = list(Clause.objects.order_by("pk").values_list("pk", "text", "retired"))
    plans = standards_plan([entry() for entry in _bundled()])
    assert all(p.exists and not (p.added or p.changed or p.retired or p.deleted) for p in plans)
    with CaptureQueriesContext(connection) as queries:
        assert standards_load() == (12, 493)
    # Nothing changed, so no clause is written (the test sessions load the file every time).
    sql = [q["sql"] for q in queries]
    assert not [q for q in sql if q.startswith('INSERT INTO "hazards_clause"')]
    assert not [q for q in sql if q.startswith('UPDATE "hazards_clause"') and '"text" =' in q]
    assert list(Clause.objects.order_by("pk").values_list("pk", "text", "retired")) == before


def _bundled():
    import json

    from hazards.services import DATA_FILE

    items = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return [lambda item=item: item for item in items]


def test_loading_a_changed_file_updates_and_never_duplicates():
    standards_apply(standards_plan([entry()]))
    changed = entry(name="消防安全重大隐患判定（修订）")
    changed["clauses"][0]["text"] = "未按规定设置消防车通道，或者消防车通道被占用的"
    plan = standards_plan([changed])[0]
    assert plan.changed == ["第5.1条"] and plan.unchanged == 1 and not plan.added
    standards_apply([plan])
    standard = JudgmentStandard.objects.get(code="xiaofang-2025")
    assert standard.name == "消防安全重大隐患判定（修订）" and standard.clauses.count() == 2
    assert standard.clauses.get(ref="第5.1条").text.endswith("被占用的")


def test_clauses_cited_by_hazards_are_retired_not_deleted(personas):
    standards_apply(standards_plan([entry()]))
    enterprise = EnterpriseFactory(sector=sector("fire"))
    cited = Clause.objects.get(standard__code="xiaofang-2025", ref="第5.1条")
    hazard = register(personas.inspector, enterprise=enterprise, clause=cited)
    shorter = entry(clauses=[{"ref": "第6.1条", "text": "疏散通道被堵塞的"}])
    plan = standards_plan([shorter])[0]
    assert plan.retired == ["第5.1条"] and plan.deleted == ["第5.2条"]
    assert plan.added == ["第6.1条"]
    standards_apply([plan])
    hazard.refresh_from_db()
    cited.refresh_from_db()
    assert hazard.clause == cited and cited.retired
    assert not Clause.objects.filter(standard__code="xiaofang-2025", ref="第5.2条").exists()
    assert cited not in clause_offer(sectors=[enterprise.sector])
    # Listed again, it comes back into use.
    standards_apply(standards_plan([entry()]))
    cited.refresh_from_db()
    assert not cited.retired


def test_a_file_with_an_unknown_sector_or_without_clauses_is_refused():
    from core.errors import ServiceError

    with pytest.raises(ServiceError, match="不在行业领域列表中"):
        standards_plan([entry(sector="航空")])
    with pytest.raises(ServiceError, match="没有条款"):
        standards_plan([entry(clauses=[])])
    with pytest.raises(ServiceError, match="重复"):
        standards_plan([entry(clauses=[{"ref": "1", "text": "甲"}, {"ref": "1", "text": "乙"}])])


# ---------------------------------------------------------------- in force on the found date


def test_the_standard_in_force_on_the_found_date_is_the_one_offered():
    coal = [sector("coal")]
    assert codes(clause_offer(sectors=coal, on=date(2026, 6, 30))) == {"meikuang-2020"}
    assert codes(clause_offer(sectors=coal, on=date(2026, 7, 1))) == {"meikuang-2026"}
    power = [sector("power")]
    assert not clause_offer(sectors=power, on=date(2026, 6, 30)).exists()
    assert codes(clause_offer(sectors=power, on=date(2026, 7, 1))) == {"dianli-2026"}


def test_a_standard_past_its_end_with_no_successor_loaded_stays_usable_with_a_warning():
    huagong = JudgmentStandard.objects.get(code="huagong-2017")
    assert huagong.ends == date(2026, 9, 30) and huagong.superseded_by is None
    assert huagong.status_on(date(2026, 9, 29)) == StandardStatus.IN_FORCE
    assert huagong.status_on(date(2026, 9, 30)) == StandardStatus.ENDED
    assert huagong.warning_on(date(2026, 9, 30)) == "已被 AQ 3067—2026 取代，新准则尚未录入"
    assert codes(clause_offer(sectors=[sector("hazchem")], on=date(2026, 10, 8))) == {
        "huagong-2017"
    }


def test_loading_the_successor_replaces_the_old_standard_from_its_effective_date():
    aq3067 = entry(
        code="huagong-aq3067-2026",
        name="化工和危险化学品生产经营企业重大生产安全事故隐患判定准则",
        doc_no="AQ 3067—2026",
        sector="化工和危险化学品",
        effective="2026-09-30",
        supersedes="安监总管三〔2017〕121号",
    )
    standards_apply(standards_plan([aq3067]))
    huagong = JudgmentStandard.objects.get(code="huagong-2017")
    assert huagong.superseded_by.code == "huagong-aq3067-2026"
    assert huagong.status_on(date(2026, 10, 8)) == StandardStatus.REPLACED
    # The fireworks standard shares the notice number, not the sector: it stays as it was.
    assert JudgmentStandard.objects.get(code="yanhua-2017").superseded_by is None
    hazchem = [sector("hazchem")]
    assert codes(clause_offer(sectors=hazchem, on=date(2026, 10, 8))) == {"huagong-aq3067-2026"}
    assert codes(clause_offer(sectors=hazchem, on=date(2026, 9, 1))) == {"huagong-2017"}


def test_admins_see_a_task_to_load_the_successor():
    tasks = standard_tasks()
    titles = [t["title"] for t in tasks]
    assert "录入 AQ 3067—2026" in titles
    assert any("道路运输" in t["standard"].name for t in tasks)


# ---------------------------------------------------------------- sub-sectors


def test_a_metallurgy_enterprise_gets_the_general_and_metallurgy_items_only():
    offered = clause_offer(sectors=[sector("metallurgy")], on=date(2026, 12, 1))
    assert set(offered.values_list("sub_sector", flat=True)) == {"管理类（通用）", "冶金"}
    assert offered.count() == 3 + 8


def test_an_ammonia_enterprise_is_offered_its_own_items_not_all_64():
    offered = clause_offer(sectors=[sector("ammonia")])
    assert set(offered.values_list("sub_sector", flat=True)) == {"管理类（通用）", "液氨制冷"}
    assert offered.count() == 5


def test_special_items_come_with_the_enterprise_marks():
    marked = EnterpriseFactory(sector=sector("light_industry"))
    marked.other_sectors.add(sector("confined_space"), sector("dust"))
    from hazards.services import hazard_sectors

    offered = clause_offer(sectors=hazard_sectors(marked))
    assert set(offered.values_list("sub_sector", flat=True)) == {
        "管理类（通用）",
        "轻工",
        "有限空间",
        "粉尘爆炸",
    }


def test_an_enterprise_of_industry_in_general_gets_every_industry_item_but_the_special_ones():
    offered = clause_offer(sectors=[sector("industry")])
    assert offered.count() == 64 - 10 - 2 - 2


# ---------------------------------------------------------------- one search


def test_chinese_numbers():
    assert [chinese_number(t) for t in ("六", "十", "十二", "二十", "二十一", "一百零三", "7")] == [
        6,
        10,
        12,
        20,
        21,
        103,
        7,
    ]


def test_one_search_across_all_standards_by_reference():
    found = clause_search(keyword="121号第六项", on=date(2026, 9, 1))
    assert {(c.standard.code, c.ref) for c in found} == {
        ("huagong-2017", "第六条"),
        ("yanhua-2017", "第六条"),
    }
    found = clause_search(keyword="10号令第四条第（一）项")
    assert [(c.standard.code, c.ref) for c in found] == [("gongmao-2023", "第四条第（一）项")]
    found = clause_search(keyword="渔业 第（三）项")  # a word and a reference together
    assert [(c.standard.code, c.ref) for c in found] == [("yuye-chuanbo-2022", "第（三）项")]
    assert [
        c.ref for c in clause_search(keyword="第（三）项", sector=sector("fishing_vessel"))
    ] == ["第（三）项"]


def test_one_search_across_all_standards_by_words():
    found = clause_search(keyword="救生")
    assert "yuye-chuanbo-2022" in codes(found)
    assert all("救生" in c.text or "救生" in c.lead_in for c in found)


# ---------------------------------------------------------------- catalog gaps


def test_catalog_gaps_are_named():
    on = date(2026, 12, 1)
    assert basis_gap(sector("fire"), on) == "“消防”行业尚未录入重大事故隐患判定标准"
    assert "条款未完整收录" in basis_gap(sector("road"), on)
    assert "AQ 3067—2026 取代" in basis_gap(sector("hazchem"), on)
    assert basis_gap(sector("ammonia"), on) == ""
    assert basis_gap(sector("coal"), on) == ""


def test_level_vocabulary_is_unchanged():
    assert HazardLevel.MAJOR.label == "重大事故隐患"


def test_admins_see_the_catalog_tasks_on_their_queue_and_the_standards_page(client, personas):
    client.force_login(personas.admin)
    for url in ("/hazards/queue/", "/hazards/standards/"):
        page = client.get(url).content.decode()
        assert "判定标准待办" in page and "录入 AQ 3067—2026" in page
    client.force_login(personas.inspector)
    assert "判定标准待办" not in client.get("/hazards/standards/").content.decode()


def test_the_standard_page_shows_its_state_and_gaps(client, personas):
    client.force_login(personas.inspector)
    huagong = JudgmentStandard.objects.get(code="huagong-2017")
    page = client.get(huagong.get_absolute_url()).content.decode()
    assert "已被 AQ 3067—2026 取代，新准则尚未录入" in page and "2026-09-30" in page
    road = JudgmentStandard.objects.get(code="daolu-yunshu-2023")
    page = client.get(road.get_absolute_url()).content.decode()
    assert "条款未完整收录（已录入 7 条）" in page and "其他依据" in page


def test_the_registration_picker_offers_by_sub_sector_and_finds_references(client, personas):
    client.force_login(personas.inspector)
    url = "/hazards/new/clauses/"
    ammonia = EnterpriseFactory(sector=sector("ammonia"))
    offered = client.get(url, {"enterprise": ammonia.pk}).context["clauses"]
    assert {c.sub_sector for c in offered} == {"管理类（通用）", "液氨制冷"} and len(offered) == 5
    chemical = EnterpriseFactory()
    found = client.get(
        url, {"enterprise": chemical.pk, "clause_q": "121号第十二项", "found_date": "2026-09-01"}
    ).context["clauses"]
    assert [(c.standard.code, c.ref) for c in found] == [("huagong-2017", "第十二条")]
