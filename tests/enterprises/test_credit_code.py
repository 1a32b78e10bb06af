import pytest

from enterprises.credit_code import check_character, credit_code_error

# Published codes of real registrants (GB 32100-2015 examples and public records).
VALID = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T", "914403001922038216"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    assert credit_code_error(code) is None


def test_check_character_matches_published_code():
    assert check_character("91350100M000100Y4") == "3"


def test_wrong_check_digit_fails():
    code = VALID[0][:17] + ("4" if VALID[0][17] != "4" else "5")
    assert credit_code_error(code) == "统一社会信用代码校验位错误"


def test_lowercase_fails():
    assert "不允许的字符" in credit_code_error("91350100m000100y43")


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_excluded_letters_fail(letter):
    code = "91350100M000100Y43"[:10] + letter + "91350100M000100Y43"[11:]
    assert "不允许的字符" in credit_code_error(code)
    assert letter in credit_code_error(code)


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", ""])
def test_wrong_length_fails(code):
    assert "应为18位" in credit_code_error(code)


def test_database_rejects_bad_format(db):
    from django.db import IntegrityError

    from core.models import Region, Sector
    from enterprises.models import Enterprise

    with pytest.raises(IntegrityError):
        Enterprise.objects.create(
            credit_code="91350100m000100y43",
            name="x",
            region=Region.objects.get(code="150623"),
            sector=Sector.objects.first(),
        )
