"""统一社会信用代码 (GB 32100-2015): alphabet, check character and validation."""

from django.core.exceptions import ValidationError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PATTERN = r"^[0-9A-HJ-NP-RTUWXY]{18}$"


def check_character(first17: str) -> str:
    """The 18th character for a 17-character body (weights 3^(i-1) mod 31)."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """A Chinese message saying what is wrong with the code, or None when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，当前为{len(code)}位"
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（只允许数字和除I、O、S、V、Z外的大写字母）"
    if check_character(code[:17]) != code[17]:
        return "统一社会信用代码校验位错误"
    return None


def validate_credit_code(code: str) -> None:
    error = credit_code_error(code)
    if error:
        raise ValidationError(error, code="credit_code")
