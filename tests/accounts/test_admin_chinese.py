"""The Django admin stays for superusers, in Chinese: every app and model it shows has a
Chinese name, including those of the libraries."""

import json
import re

import pytest
from django.apps import apps
from django.contrib import admin

from core.errors import has_chinese

pytestmark = pytest.mark.django_db


def test_every_admin_app_and_model_has_a_chinese_name(client, personas):
    english = [
        model._meta.label
        for model in admin.site._registry
        if not has_chinese(str(model._meta.verbose_name_plural))
        or not has_chinese(str(apps.get_app_config(model._meta.app_label).verbose_name))
    ]
    assert english == []
    client.force_login(personas.admin)
    page = client.get("/admin/").content.decode()
    assert "数据管理" in page and "登录失败锁定" in page and "Knox" not in page


def test_a_browser_asking_for_english_still_reads_chinese(client, personas):
    client.force_login(personas.admin)
    english = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    page = client.get("/admin/", **english).content.decode()
    assert "欢迎" in page and "Welcome" not in page
    assert "模型名称" in page and "Model name" not in page  # the table heading screen readers read
    page = client.get("/admin/auth/group/add/", **english).content.decode()
    assert "增加 组" in page and "Add group" not in page
    # The two-box selector of permissions, drawn by the admin's script from its catalog.
    script = client.get("/admin/jsi18n/", **english).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert catalog["Choose all %s"] == "全选%s"
    choose = 'Choose %s by selecting them and then select the "Choose" arrow button.'
    assert catalog[choose] == "选中左边的%s，再点击“选择”箭头按钮。"
    # Django's and the API library's own messages too, not only the project's.
    client.force_login(personas.inspector)
    answer = client.post("/api/v1/hazards/", {}, content_type="application/json", **english)
    assert answer.status_code == 400
    assert "该字段是必填项。" in answer.content.decode()
    assert "This field is required" not in answer.content.decode()


def test_every_permission_an_administrator_assigns_has_a_chinese_name():
    from django.contrib.auth.models import Permission

    names = list(Permission.objects.values_list("name", flat=True))
    assert len(names) > 100
    english_word = re.compile(r"(?<![A-Za-z])[a-z]{3,}(?![A-Za-z])")  # "log entry", "Can add"
    assert [n for n in names if not has_chinese(n) or english_word.search(n) or "Can " in n] == []
    assert Permission.objects.get(codename="view_logentry").name == "可查看日志记录"
    assert Permission.objects.get(codename="change_hazard").name == "可修改事故隐患"
