"""The Django admin stays for superusers, in Chinese: every app and model it shows has a
Chinese name, including those of the libraries."""

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
