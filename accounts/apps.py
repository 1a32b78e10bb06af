from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate

# Chinese names for the admin pages of the libraries that ship none (tokens, login lock-out).
LIBRARY_NAMES = {
    "knox": ("接口令牌", {"AuthToken": ("接口令牌（API Token）", "接口令牌（API Token）")}),
    "axes": (
        "登录失败锁定",
        {
            "AccessAttempt": ("登录失败记录", "登录失败记录"),
            "AccessLog": ("登录日志", "登录日志"),
            "AccessFailureLog": ("登录失败日志", "登录失败日志"),
            "AccessAttemptExpiration": ("登录失败记录到期时间", "登录失败记录到期时间"),
        },
    ),
}


# The default permissions Django names "Can add …" in English when it creates them.
PERMISSION_VERBS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}


def name_permissions_in_chinese(app_config, using="default", **kwargs) -> None:
    """After an app's permissions are created (post_migrate), give its default permissions
    Chinese names: 可添加/可修改/可删除/可查看 + the model's Chinese name."""
    from django.conf import settings
    from django.contrib.auth.models import Permission
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):  # commands run with none active
        names = {
            f"{action}_{model._meta.model_name}": f"可{verb}{model._meta.verbose_name}"[:255]
            for model in app_config.get_models()
            for action, verb in PERMISSION_VERBS.items()
            if action in model._meta.default_permissions
        }
    changed = []
    for permission in Permission.objects.using(using).filter(
        content_type__app_label=app_config.label, codename__in=names
    ):
        if permission.name != names[permission.codename]:
            permission.name = names[permission.codename]
            changed.append(permission)
    Permission.objects.using(using).bulk_update(changed, ["name"])


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        # Connected after django.contrib.auth's own receiver, which creates the permissions.
        post_migrate.connect(
            name_permissions_in_chinese, dispatch_uid="accounts-chinese-permissions"
        )
        for label, (app_name, models) in LIBRARY_NAMES.items():
            if not apps.is_installed(label) and label not in apps.app_configs:
                continue
            config = apps.get_app_config(label)
            config.verbose_name = app_name
            for model_name, (singular, plural) in models.items():
                model = config.get_model(model_name)
                model._meta.verbose_name = singular
                model._meta.verbose_name_plural = plural
