"""API tokens (django-rest-knox): issued, listed and revoked here only.

Knox keeps a SHA-512 digest and the first characters of each token, never the token itself,
and every token expires (settings.REST_KNOX["TOKEN_TTL"]). A token dies with the password it
was issued under and with the account's deactivation.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken


def token_issue(*, user) -> tuple[AuthToken, str]:
    """A new token for `user`; the clear text is returned once and stored nowhere."""
    return AuthToken.objects.create(user=user)


def tokens_of(user) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def tokens_revoke(*, user, digest: str | None = None) -> int:
    """Revoke one token of the user's (by digest) or all of them; how many were revoked."""
    tokens = AuthToken.objects.filter(user=user)
    if digest is not None:
        tokens = tokens.filter(digest=digest)
    deleted, _ = tokens.delete()
    return deleted


class RevokeTokensOnPasswordChange:
    """A password "validator" that validates nothing: Django calls `password_changed` after
    every saved password change, which is when the user's API tokens must stop working."""

    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is not None and user.pk is not None:
            tokens_revoke(user=user)

    def get_help_text(self) -> str:
        return ""
