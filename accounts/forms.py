from django import forms
from django.contrib.auth.forms import AuthenticationForm

from . import users
from .choices import Role


class LoginForm(AuthenticationForm):
    """The standard form with Chinese messages and phone-friendly inputs."""

    error_messages = {
        "invalid_login": "用户名或密码错误。连续失败多次后账号将被暂时锁定。",
        "inactive": "该账号已停用，请联系管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update(
            {"class": "form-control", "autocapitalize": "none", "autocomplete": "username"}
        )
        self.fields["password"].widget.attrs.update({"class": "form-control"})


class UserForm(forms.Form):
    """用户管理's form: the choices are the administrator's regions and departments."""

    username = forms.CharField(label="用户名", max_length=150)
    name = forms.CharField(label="姓名", max_length=32)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    region = forms.ModelChoiceField(label="所属地区", queryset=None, required=False)
    department = forms.ModelChoiceField(label="所属部门", queryset=None, required=False)
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    certificate_no = forms.CharField(label="执法证号", max_length=32, required=False)
    enterprises = forms.ModelMultipleChoiceField(
        label="所属企业",
        queryset=None,
        required=False,
        help_text="企业用户必须关联本地区的企业（集团企业可选多家）；其他角色不选。",
    )
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text="至少 8 位，不能全是数字，不能与用户名相近；请通知本人登录后修改。",
    )

    def __init__(self, *args, by, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = users.manageable_regions(by).order_by("code")
        self.fields["department"].queryset = users.manageable_departments(by).order_by(
            "region__code", "kind", "name"
        )
        self.fields["department"].label_from_instance = lambda d: f"{d.name}"
        self.fields["enterprises"].queryset = users.manageable_enterprises(by).order_by("name")
        if editing:
            del self.fields["username"]
            del self.fields["password"]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
        help_text="至少 8 位，不能全是数字，不能与用户名相近；请通知本人登录后修改。",
    )
