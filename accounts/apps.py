from django.apps import AppConfig, apps

# Chinese names for the admin pages of the libraries that ship none (tokens, login lock-out).
LIBRARY_NAMES = {
    "knox": ("接口令牌", {"AuthToken": ("接口令牌（API Token）", "接口令牌（API Token）")}),
    "axes": (
        "登录失败锁定",
        {
            "AccessAttempt": ("登录失败记录", "登录失败记录"),
            "AccessLog": ("登录日志", "登录日志"),
            "AccessFailureLog": ("登录失败日志", "登录失败日志"),
        },
    ),
}


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        for label, (app_name, models) in LIBRARY_NAMES.items():
            if not apps.is_installed(label) and label not in apps.app_configs:
                continue
            config = apps.get_app_config(label)
            config.verbose_name = app_name
            for model_name, (singular, plural) in models.items():
                model = config.get_model(model_name)
                model._meta.verbose_name = singular
                model._meta.verbose_name_plural = plural
