"""One service error: its kind decides the API status and code, and how a page shows it."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import path

from core.api.base import exception_handler
from core.errors import Kind, ServiceError, add_to_form, full_clean
from core.models import Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        (Kind.INPUT, 400, "invalid"),
        (Kind.ROLE, 403, "permission_denied"),
        (Kind.SCOPE, 404, "not_found"),
        (Kind.STATE, 409, "conflict"),
        (Kind.CONFLICT, 409, "conflict"),
    ],
)
def test_each_kind_answers_its_status_with_detail_and_code(kind, status, code):
    response = exception_handler(ServiceError("不能这样做。", kind=kind), {})
    assert response.status_code == status
    assert response.data["detail"] == "不能这样做。" and response.data["code"] == code
    assert ("fields" in response.data) == (kind == Kind.INPUT)


def test_input_error_lists_its_fields():
    error = ServiceError("请填写名称。", field="name", fields={"sector": "行业不对。"})
    body = exception_handler(error, {}).data
    assert body["fields"] == {"sector": ["行业不对。"], "name": ["请填写名称。"]}
    assert ServiceError("整体有误。").field is None


def test_model_validation_becomes_an_input_error_named_by_label():
    region = Region(code="x" * 40, name="", level="county")
    with pytest.raises(ServiceError) as info:
        full_clean(region)
    assert info.value.kind == Kind.INPUT
    assert set(info.value.fields) >= {"code", "name"}
    label = str(Region._meta.get_field(info.value.field).verbose_name)
    assert info.value.message.startswith(f"{label}：")


def test_a_form_shows_field_messages_beside_their_fields():
    from django import forms

    class F(forms.Form):
        name = forms.CharField(required=False)

    form = F({})
    assert form.is_valid()
    add_to_form(form, ServiceError("x", fields={"name": ["名称重复。"], "other": ["别的问题。"]}))
    assert form.errors == {"name": ["名称重复。"], "__all__": ["别的问题。"]}


def test_django_validation_error_reaching_the_api_is_an_input_error():
    body = exception_handler(ValidationError({"name": ["不能为空。"]}), {}).data
    assert body["code"] == "invalid" and body["fields"] == {"name": ["不能为空。"]}


def _raise(kind):
    def view(request):
        raise ServiceError("该操作不允许。", kind=kind)

    return view


urlpatterns = [path(f"t/{kind.value}/", _raise(kind)) for kind in Kind]


@pytest.mark.urls("tests.core.test_errors")
@pytest.mark.parametrize(
    ("kind", "status"),
    [(Kind.ROLE, 403), (Kind.SCOPE, 404), (Kind.STATE, 302), (Kind.INPUT, 302)],
)
def test_a_page_that_does_not_handle_the_error_answers_by_its_kind(client, personas, kind, status):
    client.force_login(personas.inspector)
    response = client.get(f"/t/{kind.value}/", HTTP_REFERER="http://testserver/hazards/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == "http://testserver/hazards/"
        shown = [str(m) for m in get_messages(response.wsgi_request)]
        assert shown == ["该操作不允许。"]


def test_a_redirect_never_leaves_the_site(client, personas, settings):
    settings.ROOT_URLCONF = "tests.core.test_errors"
    client.force_login(personas.inspector)
    response = client.get("/t/state/", HTTP_REFERER="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_refusal_logs_one_line_with_who_and_why(client, personas, caplog):
    from hazards.choices import Action
    from tests.hazard_helpers import register

    hazard = register(personas.inspector)
    client.force_login(personas.reviewer)
    with caplog.at_level("INFO", logger="qingling.refusals"):
        response = client.post(f"/api/v1/hazards/{hazard.pk}/{Action.SIGN_OFF.value}/", {})
    assert response.status_code == 409
    lines = [r.getMessage() for r in caplog.records if r.name == "qingling.refusals"]
    assert len(lines) == 1
    assert lines[0].startswith("refused user=reviewer POST /api/v1/hazards/")
    assert "kind=state" in lines[0] and "不能销号" in lines[0]


def test_timed_work_logs_its_figures_and_outcome(caplog):
    import logging

    from core.logs import timed

    log = logging.getLogger("qingling.test")
    with caplog.at_level("INFO", logger="qingling.test"):
        with timed(log, "export", rows=3) as figures:
            figures["file"] = "a.xlsx"
        with pytest.raises(ValueError), timed(log, "import"):
            raise ValueError
    first, second = (r.getMessage() for r in caplog.records)
    assert first.startswith("export user=- rows=3 file=a.xlsx done in ")
    assert second.startswith("import user=- failed (ValueError) in ")


def test_the_demo_shows_the_chinese_404_page_even_with_debug_on(client, settings, personas):
    """`make run` runs with DEBUG on: a missing page is still the site's own page."""
    settings.DEBUG = True
    client.force_login(personas.inspector)
    for url in ("/no-such-page/", "/hazards/999999/"):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 404 and "DEBUG = True" not in body, url
        assert "页面不存在" in body or "未找到" in body, url
    api = client.get("/api/v1/hazards/999999/")
    assert api.status_code == 404 and api["Content-Type"].startswith("application/json")
