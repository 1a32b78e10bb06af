"""Working days never guessed silently: the table, the package, else the statutory holidays
computed and the result marked as estimated; admins are told to enter the missing year."""

from datetime import date

import chinese_calendar
import pytest
from django.urls import reverse
from freezegun import freeze_time

from core import workdays
from core.errors import ServiceError
from core.models import WorkCalendarDay
from core.services import work_calendar_add_range
from hazards import workflow
from hazards.choices import Action
from tests.hazard_helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_table():
    WorkCalendarDay.objects.all().delete()


def _enter_statutory(year: int) -> None:
    """Enter every statutory holiday of the year as a day off, one range per day."""
    for day, name in workdays.statutory_holidays(year).items():
        work_calendar_add_range(start=day, end=day, kind="holiday", name=name)


def test_2027_02_08_third_day_of_spring_festival_is_not_a_working_day_with_an_empty_table(
    empty_table,
):
    assert date(2027, 2, 8).weekday() == 0  # a Monday
    assert not workdays.is_workday(date(2027, 2, 8))
    assert workdays.is_estimated(2027)


def test_statutory_holidays_of_a_year_nobody_entered_are_computed():
    """元旦; 春节 除夕–初三; 清明; 劳动节 2 days; 端午; 中秋; 国庆 3 days (2024 revision)."""
    assert {str(day): name for day, name in workdays.statutory_holidays(2027).items()} == {
        "2027-01-01": "元旦",
        "2027-02-05": "春节",  # 除夕
        "2027-02-06": "春节",
        "2027-02-07": "春节",
        "2027-02-08": "春节",
        "2027-04-05": "清明节",
        "2027-05-01": "劳动节",
        "2027-05-02": "劳动节",
        "2027-06-09": "端午节",
        "2027-09-15": "中秋节",
        "2027-10-01": "国庆节",
        "2027-10-02": "国庆节",
        "2027-10-03": "国庆节",
    }
    assert workdays.statutory_holidays(2028)[date(2028, 10, 3)] == "国庆节、中秋节"


@pytest.mark.parametrize("year", range(2008, 2027))
def test_computed_holidays_are_days_off_in_every_published_arrangement(year):
    """The lunar and solar-term computation checked against the years the package ships."""
    for day in workdays.statutory_holidays(year):
        assert not chinese_calendar.is_workday(day), day


def test_an_estimated_year_counts_weekdays_less_statutory_holidays_without_make_up_days(
    empty_table,
):
    # 2027-02-01 (Mon) .. 2027-02-14 (Sun): ten weekdays, of which 02-05 and 02-08 are off.
    assert workdays.workdays_between(date(2027, 1, 31), date(2027, 2, 14)) == 8
    assert workdays.is_workday(date(2027, 2, 9))  # 初四: off only if the State Council says so
    assert not workdays.is_workday(date(2027, 2, 6))  # Saturday


def test_a_year_in_the_table_follows_the_table(empty_table):
    """Entered days win; the year stays estimated until every statutory holiday on a weekday
    is entered as a day off (entering 春节 alone is not the whole arrangement)."""
    work_calendar_add_range(
        start=date(2027, 2, 5), end=date(2027, 2, 12), kind="holiday", name="春节"
    )
    work_calendar_add_range(
        start=date(2027, 2, 20), end=date(2027, 2, 20), kind="workday", name="春节"
    )
    assert not workdays.is_workday(date(2027, 2, 9))
    assert workdays.is_workday(date(2027, 2, 20))  # a Saturday made a working day
    assert WorkCalendarDay.objects.get(date=date(2027, 2, 20)).note == "春节调休上班"
    assert not workdays.is_workday(date(2027, 4, 5))  # 清明, not entered yet: still computed
    assert workdays.is_estimated(2027)
    _enter_statutory(2027)
    assert not workdays.is_estimated(2027)
    assert workdays.estimate_note(date(2027, 1, 1), date(2027, 3, 1)) == ""


def test_a_year_the_package_ships_is_not_estimated(empty_table):
    assert not workdays.is_estimated(2026)
    assert workdays.is_workday(date(2026, 10, 10))  # a Saturday made a working day


def test_entering_a_range_refuses_bad_input():
    with pytest.raises(ServiceError, match="结束日期不能早于开始日期") as bad:
        work_calendar_add_range(
            start=date(2027, 2, 5), end=date(2027, 2, 4), kind="holiday", name="春节"
        )
    assert bad.value.field == "end"
    with pytest.raises(ServiceError, match="最多录入 31 天"):
        work_calendar_add_range(
            start=date(2027, 1, 1), end=date(2027, 3, 1), kind="holiday", name="春节"
        )
    with pytest.raises(ServiceError, match="请填写节日名称"):
        work_calendar_add_range(
            start=date(2027, 1, 1), end=date(2027, 1, 1), kind="holiday", name=""
        )


def test_the_extension_window_message_says_the_working_days_are_estimated(
    personas, client, empty_table
):
    """A working-day result that rests on a year nobody entered is marked where it is shown:
    the refusal and the hazard page's line."""
    with freeze_time("2026-12-02"):
        hazard = register(personas.inspector, found=date(2026, 12, 2), deadline=date(2027, 3, 1))
        reason = workflow.refusal(
            hazard, workflow.TABLE[Action.REQUEST_EXTENSION], personas.inspector
        ).message
        client.force_login(personas.inspector)
        page = client.get(hazard.get_absolute_url()).content.decode()
    assert f"不能申请延期：{reason}" in page
    assert reason == (
        "只能在整改期限前 20 个工作日内申请延期（2027-01-28 起可申请；"
        "2027 年节假日安排尚未录入，工作日按法定节假日估算，未计调休）。"
    )
    # From 2027-01-28, 20 working days remain to 2027-03-01 (02-05 and 02-08 are off).
    assert workdays.workdays_between(date(2027, 1, 28), date(2027, 3, 1)) == 20
    assert workdays.workdays_between(date(2027, 1, 27), date(2027, 3, 1)) == 21


def test_window_opens_in_a_published_year_is_not_estimated(personas, empty_table):
    """2026: 10-01..10-07 off, 10-10 (Sat) worked: five working days before 10-12 start 09-29."""
    assert workdays.window_opens(date(2026, 10, 12), 5) == date(2026, 9, 29)
    assert workdays.estimate_note(date(2026, 9, 29), date(2026, 10, 12)) == ""


# ---------------------------------------------------------------- the admins' banner


@pytest.mark.parametrize(
    ("today", "missing"),
    [("2027-09-30", None), ("2027-10-01", 2028), ("2027-12-31", 2028)],
)
def test_admins_are_told_from_1_october_that_next_year_is_missing(
    personas, client, empty_table, today, missing
):
    _enter_statutory(2027)
    with freeze_time(today):
        client.force_login(personas.admin)
        page = client.get(reverse("hazards:hazard_list")).content.decode()
    if missing is None:
        assert 'id="calendar-banner"' not in page
    else:
        assert "2028 年节假日安排尚未录入" in page
        assert reverse("admin:core_workcalendarday_add_range") + "?year=2028" in page


def test_the_banner_is_for_admins_only_and_goes_once_the_year_is_entered(
    personas, client, empty_table
):
    _enter_statutory(2027)
    with freeze_time("2027-11-01"):
        client.force_login(personas.reviewer)
        assert (
            "年节假日安排尚未录入"
            not in client.get(reverse("hazards:hazard_list")).content.decode()
        )
        client.force_login(personas.admin)
        assert (
            "2028 年节假日安排尚未录入"
            in client.get(reverse("hazards:hazard_list")).content.decode()
        )
        _enter_statutory(2028)
        assert (
            'id="calendar-banner"'
            not in client.get(reverse("hazards:hazard_list")).content.decode()
        )


def test_admins_enter_the_arrangement_as_ranges(personas, client, empty_table):
    url = reverse("admin:core_workcalendarday_add_range")
    with freeze_time("2027-11-01"):
        client.force_login(personas.admin)
        page = client.get(url, {"year": 2028}).content.decode()
        assert "2028 年节假日安排尚未录入" in page and "2028-01-28" in page  # 除夕, for checking
        response = client.post(
            url,
            {"name": "春节", "kind": "holiday", "start": "2028-01-25", "end": "2028-02-01"},
        )
        assert response.status_code == 302
        assert WorkCalendarDay.objects.filter(date__year=2028, is_workday=False).count() == 8
        assert workdays.is_estimated(2028)  # 元旦、清明… are still to be entered
        response = client.post(
            url, {"name": "春节", "kind": "workday", "start": "2028-02-02", "end": "2028-02-01"}
        )
        assert response.status_code == 200
        assert "结束日期不能早于开始日期" in response.content.decode()
    client.force_login(personas.reviewer)
    assert client.get(url).status_code == 302  # to the admin login: not staff
