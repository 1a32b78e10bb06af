"""The enterprise's monthly self-inspection summary: due by a configurable day of the next month,
signed by its 主要负责人, with an explicit "本月未发现重大事故隐患" declaration that must agree
with the hazards it reported itself; the regulator lists who has not filed."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse
from freezegun import freeze_time

from core.errors import Kind, ServiceError
from core.models import Region
from enterprises.choices import EnterpriseStatus
from hazards.choices import HazardLevel, HazardSource
from reports.models import MonthlyReport, SelfCheckSummary
from reports.monthly.services import report_build_county
from reports.selfcheck import services
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import register
from tests.reports.test_inbox import enterprise_account

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 3)  # the October summaries are being filed


@pytest.fixture
def world(personas):
    class W:
        pass

    W.p = personas
    W.filer = EnterpriseFactory(name="鄂托克前旗自查化工有限公司", principal="王建国")
    W.silent = EnterpriseFactory(name="鄂托克前旗未报化工有限公司")
    W.closed = EnterpriseFactory(name="鄂托克前旗已关闭化工厂", status=EnterpriseStatus.CLOSED)
    W.elsewhere = EnterpriseFactory(
        name="鄂托克旗外县化工有限公司", region=Region.objects.get(code="150624")
    )
    W.account = enterprise_account("qiye", W.filer)
    W.stranger = enterprise_account("qiye_other", W.silent)
    return W


def file(w, by=None, **changes):
    fields = {
        "enterprise": w.filer,
        "year": 2026,
        "month": 10,
        "principal": "王建国",
        "found_count": 3,
        "rectified_count": 2,
        "major_count": 0,
        "no_major_declared": True,
    } | changes
    with freeze_time(TODAY):
        return services.selfcheck_file(by=by or w.account, **fields)


def refusal(w, **changes) -> ServiceError:
    with pytest.raises(ServiceError) as refused:
        file(w, **changes)
    return refused.value


def said(error: ServiceError, field: str) -> str:
    """What the refusal says next to one field."""
    return " ".join(error.fields.get(field, []))


def test_a_month_is_due_by_the_configured_day_of_the_next_month():
    assert services.due_date(2026, 10) == date(2026, 11, 5)
    assert services.due_date(2026, 12) == date(2027, 1, 5)
    with override_settings(REPORTS_SELFCHECK_DUE_DAY=10):
        assert services.due_date(2026, 10) == date(2026, 11, 10)


def test_the_month_filed_now_is_the_previous_one():
    assert services.default_period(TODAY) == (2026, 10)
    assert services.default_period(date(2027, 1, 2)) == (2026, 12)


def test_an_enterprise_files_its_summary_signed_by_its_principal(world):
    summary = file(world)
    assert (summary.principal, summary.found_count, summary.rectified_count) == ("王建国", 3, 2)
    assert summary.no_major_declared and summary.filed_by == world.account
    assert summary.due_date == date(2026, 11, 5) and not summary.is_late


def test_filing_after_the_due_day_is_marked_late(world):
    with freeze_time(date(2026, 11, 9)):
        summary = services.selfcheck_file(
            by=world.account,
            enterprise=world.filer,
            year=2026,
            month=10,
            principal="王建国",
            found_count=0,
            rectified_count=0,
            no_major_declared=True,
        )
    assert summary.is_late


def test_filing_the_same_month_again_corrects_it(world):
    file(world)
    file(world, found_count=5, rectified_count=5)
    summary = SelfCheckSummary.objects.get()
    assert (summary.found_count, summary.rectified_count) == (5, 5)


def test_the_declaration_is_refused_when_the_enterprise_self_reported_a_major_hazard_that_month(
    world,
):
    with freeze_time(date(2026, 10, 12)):
        hazard = register(
            world.p.inspector,
            enterprise=world.filer,
            level=HazardLevel.MAJOR,
            source=HazardSource.SELF_REPORT,
        )
    error = refusal(world)
    assert "不能声明“本月未发现重大事故隐患”" in said(error, "no_major_declared")
    assert hazard.number in said(error, "no_major_declared")
    file(world, major_count=1, no_major_declared=False)


def test_a_major_hazard_found_by_the_regulator_does_not_contradict_the_declaration(world):
    with freeze_time(date(2026, 10, 12)):
        register(world.p.inspector, enterprise=world.filer, level=HazardLevel.MAJOR)
    assert file(world).no_major_declared


def test_a_month_without_major_hazards_needs_the_explicit_declaration(world):
    error = refusal(world, no_major_declared=False)
    assert "请勾选“本月未发现重大事故隐患”声明" in said(error, "no_major_declared")


def test_the_declaration_and_a_count_of_major_hazards_exclude_each_other(world):
    error = refusal(world, major_count=1, no_major_declared=True)
    assert "no_major_declared" in error.fields


def test_more_rectified_than_found_is_refused(world):
    assert "rectified_count" in refusal(world, found_count=1, rectified_count=2).fields


def test_the_count_found_is_not_below_the_hazards_reported_in_the_system(world):
    with freeze_time(date(2026, 10, 12)):
        for _ in range(2):
            register(
                world.p.inspector,
                enterprise=world.filer,
                level=HazardLevel.GENERAL,
                source=HazardSource.SELF_REPORT,
            )
    assert "不能少于" in said(refusal(world, found_count=1, rectified_count=0), "found_count")


def test_only_a_month_that_has_ended_can_be_filed(world):
    assert "已结束月份" in said(refusal(world, month=11), "month")


def test_the_principal_signs(world):
    assert "principal" in refusal(world, principal="  ").fields


def test_another_enterprises_account_cannot_file_for_it(world):
    assert refusal(world, by=world.stranger).kind == Kind.SCOPE


def test_a_regulator_does_not_file_for_the_enterprise(world):
    assert refusal(world, by=world.p.inspector).kind == Kind.ROLE


def test_missing_lists_the_operating_enterprises_of_the_county_that_have_not_filed(world):
    file(world)
    missing = set(services.selfcheck_missing(world.p.reviewer, 2026, 10))
    assert world.silent in missing
    assert world.filer not in missing  # filed
    assert world.closed not in missing  # not operating
    assert world.elsewhere not in missing  # another county
    assert world.silent in set(services.selfcheck_missing(world.p.leader, 2026, 10))
    assert not services.selfcheck_missing(world.account, 2026, 10).exists()


def test_the_filed_count_is_per_region_and_month(world):
    file(world)
    county = Region.objects.get(code="150623")
    assert services.selfcheck_filed_count(county, 2026, 10) == 1
    assert services.selfcheck_filed_count(county, 2026, 9) == 0
    assert services.selfcheck_filed_count(Region.objects.get(code="150624"), 2026, 10) == 0


@freeze_time(TODAY)
def test_the_enterprise_files_on_the_page_and_errors_read_in_chinese(world, client):
    client.force_login(world.account)
    url = reverse("selfcheck:summary_list")
    form = client.get(url).content.decode()
    assert 'value="2026-10"' in form and "本月未发现重大事故隐患" in form
    data = {
        "enterprise": world.filer.pk,
        "period": "2026-10",
        "found_count": "2",
        "rectified_count": "1",
        "major_count": "0",
        "principal": "王建国",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "请勾选“本月未发现重大事故隐患”声明" in refused.content.decode()
    assert not SelfCheckSummary.objects.exists()
    assert client.post(url, data | {"no_major_declared": "on"}).status_code == 302
    page = client.get(url).content.decode()
    assert "2026年10月" in page and "本月未发现重大事故隐患" in page


@freeze_time(TODAY)
def test_bad_input_on_the_page_is_an_error_never_a_500(world, client):
    client.force_login(world.account)
    url = reverse("selfcheck:summary_list")
    response = client.post(url, {"enterprise": world.silent.pk, "period": "十月"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "请选择自查月份" in body


@freeze_time(TODAY)
def test_the_regulator_reads_who_has_not_filed(world, client):
    file(world)
    client.force_login(world.p.reviewer)
    body = client.get(reverse("selfcheck:missing_list") + "?period=2026-10").content.decode()
    assert world.silent.name in body and world.filer.name not in body
    assert "2026年11月5日" in body
    listed = client.get(reverse("selfcheck:summary_list") + "?period=2026-10").content.decode()
    assert world.filer.name in listed


@freeze_time(TODAY)
def test_an_enterprise_account_sees_only_its_own_summaries_and_no_missing_list(world, client):
    file(world)
    client.force_login(world.stranger)
    assert world.filer.name not in client.get(reverse("selfcheck:summary_list")).content.decode()
    # Not on the enterprise accounts' list of pages (accounts/enterprise_access.py): 404.
    assert client.get(reverse("selfcheck:missing_list")).status_code == 404


def test_the_monthly_report_shows_how_many_enterprises_filed_the_previous_months_summary(
    world, client
):
    file(world)  # October's, due on 5 November: the November report counts it
    county = Region.objects.get(code="150623")
    with freeze_time(TODAY):
        report_build_county(region=county, year=2026, month=11, on=TODAY)
    report = MonthlyReport.objects.get(region=county, year=2026, month=11)
    client.force_login(world.p.reviewer)
    body = client.get(report.get_absolute_url()).content.decode()
    assert "2026年10月已报自查月报企业数 <strong>1</strong> 家" in body
