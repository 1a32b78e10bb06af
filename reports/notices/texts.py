"""What a notice says and to whom it is addressed, per step of the ladder.

Every sentence is true on the notice's date: the deadline is the one the notice is for, the days
overdue are counted on the notice's date, "仍未整改完成" is said only of a hazard not yet
rectified that day (the run sends nothing else), and the earlier steps it recalls are the ones
actually issued for that deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.models import Region
from hazards.choices import HazardLevel
from hazards.models import Hazard

from ..choices import NoticeStep
from ..models import Notice
from .recipients import Directory
from .steps import is_reminder


def day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Occasion:
    """What a notice is about beyond the hazard: its deadline and day, and what came before."""

    deadline: date
    due: date
    on: date
    catch_up: bool = False
    # The escalations already issued for this deadline, in ladder order.
    prior: list[Notice] = field(default_factory=list)
    # The step that follows this one in the hazard's ladder, if any.
    next_step: str | None = None


def addressees(hazard: Hazard, step: str, county: Region, directory: Directory) -> list[str]:
    enterprise = hazard.enterprise
    principal = f"{enterprise.name}主要负责人{enterprise.principal}".strip()
    supervising = (
        enterprise.department.name if enterprise.department else hazard.supervisor_unit
    ) or directory.emergency_bureau(county)
    if is_reminder(step):
        return [enterprise.name, hazard.supervisor_person or supervising]
    if step == NoticeStep.CITY_ESCALATION and county.parent:
        return [directory.safety_office(county.parent), directory.emergency_bureau(county.parent)]
    if step == NoticeStep.BULLETIN:
        return [f"{county.name}各苏木镇（乡镇、街道）", "各有关部门", "各有关生产经营单位"]
    return [principal, supervising]


def _issued_before(occasion: Occasion, county: Region, directory: Directory) -> str:
    """ "经……督办后，" naming the escalations issued before, or nothing when there were none."""
    names = {
        NoticeStep.OVERDUE: f"{directory.emergency_bureau(county)}逾期督办通知",
        NoticeStep.COUNTY_LETTER: f"{directory.safety_office(county)}督办函",
        NoticeStep.BULLETIN: f"{directory.safety_office(county)}通报",
    }
    done = [
        f"{names[n.step]}（{n.number}）" if n.number else names[n.step]
        for n in occasion.prior
        if n.step in names
    ]
    return f"经{'、'.join(done)}督办后，" if done else ""


def body(
    hazard: Hazard, step: str, occasion: Occasion, county: Region, directory: Directory
) -> str:
    e = hazard.enterprise
    what = (
        f"你单位{hazard.place}存在的{hazard.get_level_display()}（编号{hazard.number}）："
        f"{hazard.description}"
    )
    on = day_text(occasion.on)
    deadline = day_text(occasion.deadline)
    late = f"（本通知应于{day_text(occasion.due)}发出，现予补发。）" if occasion.catch_up else ""
    if is_reminder(step):
        left = (occasion.deadline - occasion.on).days
        if left > 0:
            when = f"距整改期限还有{left}天"
        elif left == 0:
            when = "今天是整改期限的最后一天"
        else:
            when = f"已超过整改期限{-left}天"
        return (
            f"{e.name}：{what}。整改期限为{deadline}，{when}。请抓紧落实整改措施，"
            f"按期完成整改并及时申请复查销号。{late}"
        )
    days = (occasion.on - occasion.deadline).days
    still = f"截至{on}仍未整改完成，已逾期{days}天。"
    before = _issued_before(occasion, county, directory)
    bureau, office = directory.emergency_bureau(county), directory.safety_office(county)
    if step == NoticeStep.OVERDUE:
        return (
            f"{e.name}：{what}。该隐患整改期限为{deadline}，{still}"
            f"现予督办，请你单位主要负责人立即组织整改，落实整改措施、责任、资金、"
            f"时限和预案，整改期间严格落实安全防范措施，并于7日内将整改情况书面报告"
            f"{bureau}。逾期仍未整改的，将依法依规严肃处理。{late}"
        )
    if step == NoticeStep.COUNTY_LETTER:
        return (
            f"{e.name}：{what}。该隐患整改期限为{deadline}，{before}{still}"
            f"{office}决定对该隐患实施督办，请你单位立即整改到位；行业监管部门要加强跟踪督促，"
            f"确保隐患动态清零。{late}"
        )
    major = hazard.level == HazardLevel.MAJOR
    found = (
        f"{e.name}（{hazard.region.full_name}）{hazard.place}存在的{hazard.get_level_display()}"
        f"（编号{hazard.number}）：{hazard.description}。该隐患整改期限为{deadline}，"
    )
    if step == NoticeStep.BULLETIN:
        further = (
            "逾期仍未整改的，将提请上级挂牌督办，并依法依规严肃处理。"
            if occasion.next_step == NoticeStep.CITY_ESCALATION
            else "逾期仍未整改的，将依法依规严肃处理。"
        )
        return (
            f"{found}{before}{still}现予以通报。"
            f"请{e.name}立即整改到位；各有关部门要举一反三，督促本行业领域生产经营单位"
            f"按期完成隐患整改，确保{'重大事故隐患' if major else '事故隐患'}动态清零。"
            f"{further}{late}"
        )
    city = county.parent.name if county.parent else "上级"
    return f"{found}{before}{still}现提请{city}安全生产委员会办公室对该重大事故隐患挂牌督办。{late}"
