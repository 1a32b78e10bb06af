"""Sign-in, sign-out, password change and the profile page."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from .forms import LoginForm
from .tokens import token_issue, tokens_of, tokens_revoke


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, "密码已修改。")
        return super().form_valid(form)


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"tokens": tokens_of(request.user)})


@login_required
@require_POST
def token_create(request):
    """Issue a new API token and show it once; it is stored only as a digest."""
    instance, token = token_issue(user=request.user)
    messages.success(
        request,
        f"新的 API Token：{token}（只显示这一次，请妥善保存；"
        f"{timezone.localtime(instance.expiry):%Y-%m-%d %H:%M} 失效）",
    )
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request):
    """Revoke one token (`digest`) or, without one, every token of the user."""
    count = tokens_revoke(user=request.user, digest=request.POST.get("digest") or None)
    messages.info(
        request, f"已吊销 {count} 个 API Token。" if count else "没有可吊销的 API Token。"
    )
    return redirect("accounts:profile")
