"""The --date option shared by the reports commands."""

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone


def add_date_argument(parser) -> None:
    parser.add_argument("--date", help="按哪一天运行，格式 YYYY-MM-DD（默认今天）。")


def parse_date(value: str | None) -> date:
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc
