"""Enterprise contact numbers: a mainland mobile (1[3-9] and 9 digits) or a landline with its
area code (0 and 2-3 digits, then 7-8 digits, an optional hyphen and extension). SMS go to
mobiles only."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?[2-9]\d{6,7}(?:(?:-|转|#)\d{1,6})?")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－＋（）", "0123456789-+()")
PHONE_HELP = "11 位手机号，或带区号的座机号（如 0477-8123456，分机可写 0477-8123456-801）"


def normalize_phone(text: str) -> str:
    """The number as typed, without spaces; full-width digits made half-width, a mobile's +86
    dropped and a bracketed area code unbracketed: (0477)8123456 → 0477-8123456."""
    text = re.sub(r"\s+", "", (text or "").translate(_FULL_WIDTH))
    text = re.sub(r"^(?:\+86|0086)-?(?=1\d{10}$)", "", text)
    return re.sub(r"^\((0\d{2,3})\)-?", r"\1-", text)


def phone_error(text: str) -> str | None:
    """Why a number is not a mainland mobile or landline, in Chinese; None when it is (or is
    blank)."""
    number = normalize_phone(text)
    if not number or MOBILE.fullmatch(number) or LANDLINE.fullmatch(number):
        return None
    return f"电话号码“{text.strip()[:20]}”格式不正确，应为{PHONE_HELP}。"


def validate_phone(value: str) -> None:
    if problem := phone_error(value):
        raise ValidationError(problem, code="phone")


def sms_problem(text: str) -> str | None:
    """Why no SMS can go to this number; None for a mainland mobile."""
    number = normalize_phone(text)
    if MOBILE.fullmatch(number):
        return None
    if LANDLINE.fullmatch(number):
        return f"“{text.strip()[:20]}”是座机号码，不能接收短信。"
    return phone_error(text) or "没有可用的手机号码。"
