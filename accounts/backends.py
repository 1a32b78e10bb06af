"""The password backend: Django's, reading a signed-in user with the region and department
every page scopes by (one query per request instead of three)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ScopedModelBackend(ModelBackend):
    def get_user(self, user_id):
        manager = get_user_model()._default_manager
        try:
            user = manager.select_related("region", "department").get(pk=user_id)
        except manager.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
