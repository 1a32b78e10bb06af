"""Generate a province-sized, deterministic data set in the bench database.

    uv run python bench/generate.py            (1 000 000 hazards; reused when already there)
    uv run python bench/generate.py --quick    (100 000 hazards, database qingling_bench_quick)
    uv run python bench/generate.py --fresh    (drop the bench database and build it again)

内蒙古: 12 cities, 100 counties, 8 towns each; departments and users per county (inspector,
reviewer), per city (leader) and for the province; enterprises (valid 统一社会信用代码), hazards
over ten years in every state, level and sector, their workflow events, supervisions, inspections
(with the finding each inspection hazard was registered from) and the notices the daily job has
already issued (the steady state the job runs in). Rows are written with COPY; foreign-key
triggers are off during the load (the generator keeps the data consistent itself) and secondary
indexes are rebuilt afterwards. The data is relative to the day it was generated (`as_of`,
stored in the marker table), so the benchmark runs the jobs for that day.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    MARKER,
    connect,
    create_database,
    dataset,
    setup_django,
    use_quick_database,
)

SEED = 20260101
FULL = {"hazards": 1_000_000, "enterprises": 100_000, "inspections": 200_000}
QUICK = {"hazards": 100_000, "enterprises": 10_000, "inspections": 20_000}
PASSWORD = "!bench-unusable"  # no one signs in with a password: the runner uses force_login

CITIES = [  # (code, name, counties)
    ("1501", "呼和浩特市", 10),
    ("1502", "包头市", 9),
    ("1503", "乌海市", 8),
    ("1504", "赤峰市", 8),
    ("1505", "通辽市", 8),
    ("1506", "鄂尔多斯市", 9),
    ("1507", "呼伦贝尔市", 8),
    ("1508", "巴彦淖尔市", 8),
    ("1509", "乌兰察布市", 8),
    ("1522", "兴安盟", 8),
    ("1525", "锡林郭勒盟", 8),
    ("1529", "阿拉善盟", 8),
]
TOWNS_PER_COUNTY = 8
SYLLABLES = "阿巴查达额丰格海金克兰木宁青仁赛特乌希扎和林图银宝泉源胜安平新兴东西南北"
PLACES = ("储罐区", "配电室", "生产车间", "仓库", "有限空间作业点", "锅炉房", "装卸区", "厨房")
DESCRIPTIONS = (
    "可燃气体报警装置失效，未按规定设置紧急切断装置",
    "粉尘爆炸危险场所未采用防爆型电气设备",
    "有限空间作业未执行先通风、再检测、后作业",
    "安全出口锁闭，疏散通道堆放杂物",
    "特种作业人员未持证上岗",
    "危险化学品储存超量，未分类分区存放",
    "消防设施未定期维护保养，灭火器失效",
    "涉氨制冷场所未设置氨泄漏报警和事故通风",
    "起重机械安全保护装置缺失",
    "临时用电未使用漏电保护器，线路私拉乱接",
)
EVENT_CHAIN = [  # (action, from, to) taking a hazard one state further
    ("register", "", "registered"),
    ("start-rectification", "registered", "rectifying"),
    ("submit-rectification", "rectifying", "awaiting_recheck"),
    ("recheck-pass", "awaiting_recheck", "rechecked"),
    ("sign-off", "rechecked", "closed"),
]
STATE_INDEX = {to: i for i, (_, _, to) in enumerate(EVENT_CHAIN)}
SOURCES = (
    ["inspection"] * 40
    + ["self_report"] * 30
    + ["supervision"] * 8
    + ["unannounced"] * 6
    + ["cross"] * 4
    + ["expert"] * 5
    + ["public_report"] * 4
    + ["assigned"] * 3
)
METHODS = ("four_no", "open", "unannounced", "random", "cross", "expert", "report", "joint")


class Timer:
    def __init__(self) -> None:
        self.parts: dict[str, float] = {}

    def __call__(self, name: str):
        timer = self

        class _Part:
            def __enter__(self):
                self.started = time.perf_counter()
                return self

            def __exit__(self, *exc):
                seconds = time.perf_counter() - self.started
                timer.parts[name] = round(seconds, 1)
                print(f"  {name}: {seconds:.1f} 秒", flush=True)

        return _Part()


def _line(*values) -> str:
    """One COPY text row; None → \\N. Values never contain tabs, newlines or backslashes."""
    return "\t".join("\\N" if v is None else str(v) for v in values) + "\n"


class Copier:
    """Buffers COPY text rows and sends them in large chunks."""

    def __init__(self, cursor, table: str, columns: list[str]) -> None:
        self.ctx = cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")
        self.copy = self.ctx.__enter__()
        self.buffer = io.StringIO()
        self.size = 0
        self.rows = 0

    def add(self, *values) -> None:
        self.buffer.write(_line(*values))
        self.rows += 1
        if self.rows % 20_000 == 0:
            self.flush()

    def flush(self) -> None:
        data = self.buffer.getvalue()
        if data:
            self.copy.write(data.encode())
        self.buffer = io.StringIO()

    def close(self) -> int:
        self.flush()
        self.ctx.__exit__(None, None, None)
        return self.rows


def _drop_indexes(cur, tables: list[str]) -> list[str]:
    """Drop the secondary (non-constraint) indexes of these tables; return their definitions."""
    rows = cur.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [tables],
    ).fetchall()
    for name, _ in rows:
        cur.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def _county_names(rng: random.Random, count: int, city: str) -> list[str]:
    names, seen = [], set()
    while len(names) < count:
        name = rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + rng.choice(("旗", "县", "区"))
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _base31(n: int, width: int) -> str:
    from enterprises.credit_code import ALPHABET

    out = []
    for _ in range(width):
        n, r = divmod(n, 31)
        out.append(ALPHABET[r])
    return "".join(reversed(out))


# ---------------------------------------------------------------- reference part (ORM, small)


def build_reference(rng: random.Random, as_of: date) -> dict:
    """Regions, departments and users through the ORM (a few thousand rows). Past 60 lines for
    the same reason as build_bulk: one seeded order of random draws."""
    from accounts.models import User
    from core.models import Department, Region, Sector
    from hazards.services import clause_choices

    province, _ = Region.objects.get_or_create(
        code="150000", defaults={"name": "内蒙古自治区", "level": "province"}
    )
    counties: list[Region] = []
    for code, name, n in CITIES:
        city, _ = Region.objects.get_or_create(
            code=code + "00", defaults={"name": name, "level": "city", "parent": province}
        )
        existing = list(Region.objects.filter(parent=city, level="county").order_by("code"))
        names = _county_names(rng, n, name)
        k = 21
        while len(existing) < n:
            ccode = f"{code}{k:02d}"
            k += 1
            if Region.objects.filter(code=ccode).exists():
                continue
            existing.append(
                Region.objects.create(
                    code=ccode, name=names[len(existing)], level="county", parent=city
                )
            )
        counties.extend(existing[:n])
    towns: dict[str, list[str]] = {}
    new_towns = []
    for county in counties:
        have = set(Region.objects.filter(parent=county).values_list("code", flat=True))
        j = 100
        while len(have) < TOWNS_PER_COUNTY:
            tcode = f"{county.code}{j:03d}"
            j += 1
            if tcode not in have:
                have.add(tcode)
                new_towns.append(
                    Region(
                        code=tcode,
                        name=rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + "镇",
                        level="town",
                        parent=county,
                    )
                )
        towns[county.code] = sorted(have)
    Region.objects.bulk_create(new_towns, ignore_conflicts=True)

    def department(region: Region, kind: str, suffix: str) -> Department:
        dept, _ = Department.objects.get_or_create(
            region=region, name=f"{region.name}{suffix}", defaults={"kind": kind}
        )
        return dept

    def user(username: str, name: str, role: str, region: Region, dept, **extra) -> User:
        obj, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "name": name,
                "role": role,
                "region": region,
                "department": dept,
                "password": PASSWORD,
                **extra,
            },
        )
        return obj

    prov_dept = department(province, "emergency", "应急管理厅")
    department(province, "safety_office", "安全生产委员会办公室")
    users = {
        "province": user("bench_province", "省厅领导", "leader", province, prov_dept).pk,
        "admin": user(
            "bench_admin", "基准管理员", "admin", None, None, is_superuser=True, is_staff=True
        ).pk,
    }
    city_of: dict[str, dict] = {}
    for code, name, _ in CITIES:
        city = Region.objects.get(code=code + "00")
        dept = department(city, "emergency", "应急管理局")
        department(city, "safety_office", "安全生产委员会办公室")
        leader = user(f"bench_c{code}", f"{name}领导", "leader", city, dept)
        city_of[code] = {"leader": leader.pk, "dept": dept.pk, "name": dept.name}
    county_info: dict[str, dict] = {}
    for county in counties:
        dept = department(county, "emergency", "应急管理局")
        department(county, "safety_office", "安全生产委员会办公室")
        department(county, "housing", "住房和城乡建设局")
        inspector = user(
            f"bench_i{county.code}",
            f"{county.name}检查员",
            "inspector",
            county,
            dept,
            email=f"i{county.code}@bench.invalid",
        )
        reviewer = user(f"bench_r{county.code}", f"{county.name}审核员", "reviewer", county, dept)
        county_info[county.code] = {
            "name": county.name,
            "dept": dept.pk,
            "unit": dept.name,
            "inspector": inspector.pk,
            "reviewer": reviewer.pk,
            "towns": towns[county.code],
            "city": county.parent_id[:4],
        }
    sectors = list(Sector.objects.order_by("pk"))
    clauses = {s.pk: list(clause_choices(s).values_list("pk", flat=True)) for s in sectors}
    return {
        "counties": county_info,
        "cities": city_of,
        "users": users,
        "sectors": [s.pk for s in sectors],
        "clauses": clauses,
    }


# ---------------------------------------------------------------- bulk part (COPY)


def _state_for(age: int, rng: random.Random) -> str:
    r = rng.random()
    if age <= 60:
        table = (
            (0.22, "registered"),
            (0.55, "rectifying"),
            (0.67, "awaiting_recheck"),
            (0.72, "rechecked"),
        )
    elif age <= 365:
        table = (
            (0.02, "registered"),
            (0.10, "rectifying"),
            (0.13, "awaiting_recheck"),
            (0.14, "rechecked"),
        )
    else:  # the old stock that the campaign still has to clear
        table = (
            (0.002, "registered"),
            (0.010, "rectifying"),
            (0.013, "awaiting_recheck"),
            (0.015, "rechecked"),
        )
    for limit, state in table:
        if r < limit:
            return state
    return "closed"


def build_bulk(cur, ref: dict, sizes: dict, rng: random.Random, as_of: date, timer: Timer):
    """Enterprises, hazards, events, supervisions, inspections and notices, written with COPY.

    One long function on purpose: every table is drawn from the same seeded generator in one
    order, so the data set is the same on every machine; split into pieces, that order (and so
    the data) would change with each refactoring."""
    from enterprises.credit_code import check_character
    from reports.notices.steps import NUMBER_KINDS, ladder

    counties = ref["counties"]
    county_codes = sorted(counties)
    sectors = ref["sectors"]
    clauses = ref["clauses"]
    now = f"{as_of} 08:00:00+08"

    # Enterprises: skewed over counties (some counties are industrial), one town each.
    weights = [rng.uniform(0.3, 3.0) for _ in county_codes]
    ent_region, ent_sector, ent_county = [], [], []
    with timer("企业 enterprises"):
        out = Copier(
            cur,
            "enterprises_enterprise",
            [
                "id",
                "created_at",
                "updated_at",
                "credit_code",
                "name",
                "address",
                "scale",
                "principal",
                "principal_phone",
                "safety_manager",
                "safety_manager_phone",
                "risk_grade",
                "standardization_level",
                "key_supervision",
                "status",
                "department_id",
                "region_id",
                "sector_id",
            ],
        )
        picked = rng.choices(county_codes, weights=weights, k=sizes["enterprises"])
        risk = ["red"] * 3 + ["orange"] * 12 + ["yellow"] * 35 + ["blue"] * 50
        for i, ccode in enumerate(picked, start=1):
            c = counties[ccode]
            town = rng.choice(c["towns"])
            sector = rng.choice(sectors)
            first17 = f"91{ccode}MA{_base31(i, 7)}"
            out.add(
                i,
                now,
                now,
                first17 + check_character(first17),
                f"{c['name']}{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}{i:06d}有限公司",
                f"{c['name']}{i % 97}号",
                rng.choice(("above", "below", "below")),
                "王某",
                f"139{i:08d}" if i % 3 else "",
                "赵某",
                f"138{i:08d}" if i % 2 else "",
                rng.choice(risk),
                rng.choice(("1", "2", "3", "none", "none")),
                "t" if i % 11 == 0 else "f",
                "operating" if i % 40 else "suspended",
                c["dept"],
                town,
                sector,
            )
            ent_region.append(town)
            ent_sector.append(sector)
            ent_county.append(ccode)
        out.close()

    n = sizes["hazards"]
    n_ent = sizes["enterprises"]
    # Found dates over ten years, rising linearly to twice the average now (the campaign
    # finds more each year); sorted so ids follow time.
    ages = sorted((int(3650 * (1 - math.sqrt(rng.random()))) for _ in range(n)), reverse=True)
    ent_weights = [rng.paretovariate(1.5) for _ in range(n_ent)]
    hazard_ent = rng.choices(range(n_ent), weights=ent_weights, k=n)

    seq: dict[tuple[str, int], int] = defaultdict(int)
    doc_seq: dict[tuple[str, str, int], int] = defaultdict(int)
    supervision_no: dict[str, int] = defaultdict(int)
    inspection_share = sizes["inspections"] / (n * SOURCES.count("inspection") / len(SOURCES))
    inspections_left = sizes["inspections"]
    counts = defaultdict(int)

    with timer(
        "隐患、处理记录、挂牌、检查、已发通知 hazards+events+supervisions+inspections+notices"
    ):
        hz = Copier(
            cur,
            "hazards_hazard",
            [
                "id",
                "created_at",
                "updated_at",
                "number",
                "level",
                "source",
                "place",
                "description",
                "found_date",
                "deadline",
                "current_deadline",
                "state",
                "stoppage",
                "measures",
                "responsible_person",
                "funds",
                "plan_deadline",
                "emergency_plan",
                "completed_date",
                "completion_note",
                "funds_spent",
                "assessment",
                "recheck_unit",
                "recheck_date",
                "recheck_opinion",
                "closed_date",
                "reported_to_regulator",
                "reported_to_workers",
                "supervision_level",
                "supervisor_unit",
                "supervisor_person",
                "remarks",
                "clause_id",
                "closed_by_id",
                "enterprise_id",
                "found_by_id",
                "rechecked_by_id",
                "region_id",
                "sector_id",
                "other_basis",
            ],
        )
        # Events, inspections, findings, supervisions and notices go to temporary files first:
        # one COPY is open at a time per connection.
        events, inspections, inspectors, findings, supervisions, notices = (
            io.StringIO() for _ in range(6)
        )
        inspection_id = 0
        for hid in range(1, n + 1):
            age = ages[hid - 1]
            found = as_of - timedelta(days=age)
            e = hazard_ent[hid - 1]
            ccode = ent_county[e]
            c = counties[ccode]
            sector = ent_sector[e]
            region = ent_region[e]
            major = clauses[sector] and rng.random() < 0.08
            level = "major" if major else "general"
            clause = rng.choice(clauses[sector]) if major else None
            state = _state_for(age, rng)
            stage = STATE_INDEX[state]
            seq[(ccode, found.year)] += 1
            number = f"{ccode}-{found.year}-{seq[(ccode, found.year)]:05d}"
            span = rng.choice((30, 60, 90)) if major else rng.choice((7, 15, 15, 30))
            deadline = found + timedelta(days=span)
            current = deadline + timedelta(days=30) if rng.random() < 0.06 else deadline
            source = rng.choice(SOURCES)
            # Dates of the later steps (never after as_of).
            completed = recheck = closed = None
            if stage >= 2:
                completed = min(found + timedelta(days=rng.randint(1, span + 20)), as_of)
            if stage >= 3:
                recheck = min(completed + timedelta(days=rng.randint(0, 5)), as_of)
            if stage >= 4:
                closed = min(recheck + timedelta(days=rng.randint(0, 3)), as_of)
            started = stage >= 1
            inspector, reviewer = c["inspector"], c["reviewer"]
            # A visit for a share of the inspection hazards (the rest are visits with no
            # hazard, made below): the visit is the day the hazard was found.
            ins = None
            if source == "inspection" and inspections_left and rng.random() < inspection_share:
                inspection_id += 1
                inspections_left -= 1
                ins = inspection_id
                inspections.write(
                    _line(
                        ins,
                        now,
                        now,
                        found,
                        "09:00:00",
                        "11:30:00",
                        rng.choice(PLACES),
                        rng.choice(METHODS),
                        "王某",
                        "安全负责人",
                        "检查发现隐患，已责令限期整改",
                        "",
                        "done",
                        f"{found} 11:30:00+08",
                        inspector,
                        c["dept"],
                        None,
                        e + 1,
                        region,
                        sector,
                        None,
                        0,
                        "",
                    )
                )
                inspectors.write(_line(ins, inspector))
            # 挂牌督办 for some majors: active on open ones, removed at sign-off on closed ones.
            sup_level = ""
            if major and rng.random() < 0.25:
                lvl = rng.choices(("county", "city", "province"), weights=(70, 25, 5))[0]
                unit, by = {
                    "county": (f"{c['name']}安全生产委员会办公室", reviewer),
                    "city": (ref["cities"][c["city"]]["name"], ref["cities"][c["city"]]["leader"]),
                    "province": ("内蒙古自治区应急管理厅", ref["users"]["province"]),
                }[lvl]
                supervision_no[unit] += 1
                listed = found + timedelta(days=rng.randint(1, 10))
                if listed > as_of:
                    listed = as_of
                removed = f"{closed} 16:00:00+08" if closed else None
                supervisions.write(
                    _line(
                        lvl,
                        f"督〔{listed.year}〕{supervision_no[unit]}号",
                        unit,
                        "张某",
                        current,
                        90,
                        f"{listed} 10:00:00+08",
                        removed,
                        hid,
                        by,
                        by if removed else None,
                    )
                )
                counts["supervisions"] += 1
                if closed is None:
                    sup_level = lvl
            desc = f"{rng.choice(DESCRIPTIONS)}（{number}）"
            place = rng.choice(PLACES)
            hz.add(
                hid,
                f"{found} 09:00:00+08",
                f"{closed or completed or found} 17:00:00+08",
                number,
                level,
                source,
                place,
                desc,
                found,
                deadline,
                current,
                state,
                "partial" if major and not closed and hid % 7 == 0 else "none",
                "更换失效设备，完善安全管理制度" if started else "",
                "张三" if started else "",
                f"{rng.randint(1, 5000) / 10:.2f}" if started else None,
                current if major and started else None,
                "划定警戒区域，设专人监护" if major and started else "",
                completed,
                "已按要求整改完成" if completed else "",
                f"{rng.randint(1, 5000) / 10:.2f}" if completed else None,
                "",
                c["unit"] if recheck else "",
                recheck,
                "已整改到位" if recheck else "",
                closed,
                found + timedelta(days=1) if major else None,
                None,
                sup_level,
                c["unit"],
                "李四",
                "",
                clause,
                reviewer if closed else None,
                e + 1,
                inspector,
                reviewer if recheck else None,
                region,
                sector,
                "",  # other_basis: every generated 重大 hazard cites a clause
            )
            # The visit links its hazard through the finding the hazard was registered from.
            if ins:
                findings.write(
                    _line(
                        ins,
                        level,
                        clause,
                        place,
                        desc,
                        deadline,
                        hid,
                        f"{found} 10:00:00+08",
                    )
                )
                counts["findings"] += 1
            # The workflow trail: one event per step reached.
            days = (found, found + timedelta(days=1), completed, recheck, closed)
            for k in range(stage + 1):
                action, frm, to = EVENT_CHAIN[k]
                when = min(days[k], as_of)
                actor = reviewer if k >= 3 else inspector
                events.write(
                    f"{action}\t{frm}\t{to}\t{when} {9 + k}:00:00+08\t\t{{}}\t{actor}\t{hid}\n"
                )
            counts["events"] += stage + 1
            # Notices the daily job has already issued for the current deadline: steps of the
            # level's ladder due before as_of while the hazard was not yet rectified (before
            # its rectification was submitted); the benchmarked run on as_of then makes only
            # that day's steps.
            if not closed:
                for step, due in ladder(current, level, listed=sup_level):
                    if due >= as_of or due < found or (completed and due >= completed):
                        continue
                    num = ""
                    if step in NUMBER_KINDS:
                        key = (c["name"][:16], NUMBER_KINDS[step], due.year)
                        doc_seq[key] += 1
                        num = f"{key[0]}{key[1]}〔{due.year}〕{doc_seq[key]}号"
                    issuer = (
                        c["unit"]
                        if step in ("overdue", "remind_7", "remind_3")
                        else (f"{c['name']}安全生产委员会办公室")
                    )
                    notices.write(
                        _line(
                            step,
                            current,
                            due,
                            due,
                            "rectifying" if started and due > found else "registered",
                            f"{due} 07:30:00+08",
                            num,
                            issuer,
                            "[]",
                            f"隐患{number}：{step}",
                            hid,
                        )
                    )
                    counts["notices"] += 1
        hz.close()
        # Visits that found no hazard.
        for _ in range(inspections_left):
            inspection_id += 1
            e = rng.randrange(n_ent)
            c = counties[ent_county[e]]
            day = as_of - timedelta(days=int(3650 * (1 - math.sqrt(rng.random()))))
            inspections.write(
                _line(
                    inspection_id,
                    now,
                    now,
                    day,
                    "14:00:00",
                    "16:00:00",
                    rng.choice(PLACES),
                    rng.choice(METHODS),
                    "王某",
                    "安全负责人",
                    "未发现隐患",
                    "",
                    "done",
                    f"{day} 16:00:00+08",
                    c["inspector"],
                    c["dept"],
                    None,
                    e + 1,
                    ent_region[e],
                    ent_sector[e],
                    None,
                    0,
                    "",
                )
            )
            inspectors.write(_line(inspection_id, c["inspector"]))
        counts["inspections"] = inspection_id

    def load(table: str, columns: list[str], data: io.StringIO, label: str) -> None:
        with timer(label), cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
            raw = data.getvalue().encode()
            for at in range(0, len(raw), 8 << 20):
                cp.write(raw[at : at + (8 << 20)])

    load(
        "hazards_hazardevent",
        [
            "action",
            "from_state",
            "to_state",
            "created_at",
            "comment",
            "data",
            "actor_id",
            "hazard_id",
        ],
        events,
        f"处理记录 events ({counts['events']})",
    )
    load(
        "inspections_inspection",
        [
            "id",
            "created_at",
            "updated_at",
            "date",
            "start_time",
            "end_time",
            "place",
            "method",
            "representative",
            "representative_title",
            "situation",
            "measures",
            "status",
            "completed_at",
            "created_by_id",
            "department_id",
            "draw_target_id",
            "enterprise_id",
            "region_id",
            "sector_id",
            "plan_id",
            "unchecked_count",
            "unchecked_reason",
        ],
        inspections,
        f"检查 inspections ({counts['inspections']})",
    )
    load(
        "inspections_inspection_inspectors",
        ["inspection_id", "user_id"],
        inspectors,
        "检查人员 inspection inspectors",
    )
    load(
        "inspections_finding",
        [
            "inspection_id",
            "level",
            "clause_id",
            "place",
            "description",
            "deadline",
            "hazard_id",
            "created_at",
        ],
        findings,
        f"检查发现问题 findings ({counts['findings']})",
    )
    load(
        "hazards_supervision",
        [
            "level",
            "doc_no",
            "issuing_unit",
            "signer",
            "deadline",
            "report_interval_days",
            "listed_at",
            "removed_at",
            "hazard_id",
            "listed_by_id",
            "removed_by_id",
        ],
        supervisions,
        f"挂牌督办 supervisions ({counts['supervisions']})",
    )
    load(
        "reports_notice",
        [
            "step",
            "deadline",
            "due_date",
            "issued_on",
            "hazard_state",
            "created_at",
            "number",
            "issuer",
            "addressees",
            "body",
            "hazard_id",
        ],
        notices,
        f"已发通知 notices ({counts['notices']})",
    )

    with timer("序列 sequences"):
        for (ccode, year), last in seq.items():
            cur.execute(
                "INSERT INTO hazards_hazardsequence (county_code, year, last) VALUES (%s,%s,%s)"
                " ON CONFLICT (county_code, year) DO UPDATE SET last = EXCLUDED.last",
                [ccode, year, last],
            )
        for (issuer, kind, year), last in doc_seq.items():
            cur.execute(
                "INSERT INTO core_documentsequence (issuer, kind, year, last) VALUES (%s,%s,%s,%s)"
                " ON CONFLICT (issuer, kind, year) DO UPDATE SET last = EXCLUDED.last",
                [issuer, kind, year, last],
            )
        for table in ("enterprises_enterprise", "hazards_hazard", "inspections_inspection"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
    counts["hazards"] = n
    counts["enterprises"] = n_ent
    return dict(counts)


TABLES = [
    "enterprises_enterprise",
    "hazards_hazard",
    "hazards_hazardevent",
    "inspections_inspection",
    "inspections_inspection_inspectors",
    "inspections_finding",
    "hazards_supervision",
    "reports_notice",
]


def generate(sizes: dict, fresh: bool) -> dict:
    existing = dataset()
    if existing and not fresh and existing["sizes"] == sizes:
        print(
            f"基准数据已存在（{existing['as_of']} 生成，{existing['counts']['hazards']} 条隐患，"
            f"用时 {existing['seconds']} 秒）；--fresh 重新生成"
        )
        return existing
    started = time.perf_counter()
    timer = Timer()
    print(f"生成基准数据：{sizes}", flush=True)
    with timer("建库和迁移 create + migrate + load_reference"):
        create_database(drop=True)
        setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
    rng = random.Random(SEED)
    from django.utils import timezone

    as_of = timezone.localdate()
    with timer("地区、部门、用户 regions+departments+users"):
        ref = build_reference(rng, as_of)
    with connect() as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no FK triggers during the load
        cur.execute("SET maintenance_work_mem = '1GB'")
        indexes = _drop_indexes(cur, TABLES)
        counts = build_bulk(cur, ref, sizes, rng, as_of, timer)
        with timer(f"重建索引 rebuild {len(indexes)} indexes"):
            for definition in indexes:
                cur.execute(definition)
        cur.execute("SET session_replication_role = DEFAULT")
        conn.commit()
    with connect(autocommit=True) as conn, timer("VACUUM ANALYZE"):
        conn.execute("VACUUM ANALYZE")
    seconds = round(time.perf_counter() - started, 1)
    info = {
        "sizes": sizes,
        "seed": SEED,
        "as_of": as_of.isoformat(),
        "counts": counts,
        "seconds": seconds,
        "parts": timer.parts,
        "users": ref["users"],
        "cities": {k: v["leader"] for k, v in ref["cities"].items()},
        "counties": {k: v["inspector"] for k, v in ref["counties"].items()},
    }
    with connect() as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (key text PRIMARY KEY, value text)")
        conn.execute(
            f"INSERT INTO {MARKER} VALUES ('dataset', %s) ON CONFLICT (key) DO UPDATE"
            " SET value = EXCLUDED.value",
            [json.dumps(info, ensure_ascii=False)],
        )
    print(f"生成完成：{dict(counts)}，共 {seconds} 秒", flush=True)
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 条隐患的小数据集")
    parser.add_argument("--fresh", action="store_true", help="删除并重新生成基准数据库")
    parser.add_argument("--hazards", type=int, help="隐患条数（企业为其 1/10，检查为 1/5）")
    args = parser.parse_args()
    sizes = dict(QUICK if args.quick else FULL)
    if args.quick:
        use_quick_database()
    if args.hazards:
        sizes = {
            "hazards": args.hazards,
            "enterprises": max(args.hazards // 10, 100),
            "inspections": args.hazards // 5,
        }
    generate(sizes, args.fresh)


if __name__ == "__main__":
    main()
