"""What a notice says and to whom it is addressed, per step of the ladder."""

from __future__ import annotations

from datetime import date

from core.models import Region
from hazards.models import Hazard

from ..choices import NoticeStep
from .recipients import Directory
from .steps import is_reminder


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


def body(
    hazard: Hazard, step: str, due: date, on: date, county: Region, directory: Directory
) -> str:
    e = hazard.enterprise
    what = (
        f"你单位{hazard.place}存在的{hazard.get_level_display()}（编号{hazard.number}）："
        f"{hazard.description}"
    )
    deadline = f"{hazard.current_deadline:%Y年%m月%d日}"
    late = f"（本应于{due:%Y年%m月%d日}发出，系统补发）" if due < on else ""
    if is_reminder(step):
        left = (hazard.current_deadline - on).days
        when = f"距整改期限还有{left}天" if left >= 0 else f"已逾期{-left}天"
        return (
            f"{e.name}：{what}。整改期限为{deadline}，{when}。请抓紧落实整改措施，"
            f"按期完成整改并及时申请复查销号。{late}"
        )
    days = (on - hazard.current_deadline).days
    if step == NoticeStep.OVERDUE:
        return (
            f"{e.name}：{what}。该隐患整改期限为{deadline}，截至{on:%Y年%m月%d日}仍未整改完成，"
            f"已逾期{days}天。现予督办，请你单位主要负责人立即组织整改，落实整改措施、责任、资金、"
            f"时限和预案，整改期间严格落实安全防范措施，并于7日内将整改情况书面报告"
            f"{directory.emergency_bureau(county)}。逾期仍未整改的，将依法依规严肃处理。{late}"
        )
    if step == NoticeStep.COUNTY_LETTER:
        return (
            f"{e.name}：{what}。该隐患整改期限为{deadline}，经{directory.emergency_bureau(county)}督办后"
            f"仍未整改完成，已逾期{days}天。{directory.safety_office(county)}决定对该隐患实施督办，"
            f"请你单位立即整改到位；行业监管部门要加强跟踪督促，确保隐患动态清零。{late}"
        )
    if step == NoticeStep.BULLETIN:
        return (
            f"{e.name}（{hazard.region.full_name}）{hazard.place}存在的{hazard.get_level_display()}"
            f"（编号{hazard.number}）：{hazard.description}。该隐患整改期限为{deadline}，"
            f"经{directory.emergency_bureau(county)}逾期督办和{directory.safety_office(county)}督办函督办后，"
            f"截至{on:%Y年%m月%d日}仍未整改完成，已逾期{days}天。现予以通报。"
            f"请{e.name}立即整改到位；各有关部门要举一反三，督促本行业领域生产经营单位"
            f"按期完成隐患整改，确保重大事故隐患动态清零。{late}"
        )
    city = county.parent.name if county.parent else "上级"
    return (
        f"{e.name}（{hazard.region.full_name}）{hazard.place}存在的{hazard.get_level_display()}"
        f"（编号{hazard.number}）整改期限为{deadline}，经县级督办后仍未整改完成，已逾期{days}天。"
        f"现提请{city}安全生产委员会办公室挂牌督办。{late}"
    )
