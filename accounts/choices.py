"""User roles."""

from django.db import models


class Role(models.TextChoices):
    INSPECTOR = "inspector", "执法检查员"
    REVIEWER = "reviewer", "审核人员"
    LEADER = "leader", "领导"
    ADMIN = "admin", "管理员"
    ENTERPRISE = "enterprise", "企业用户"


# Roles that may create and edit enterprise records.
ENTERPRISE_EDITOR_ROLES = frozenset({Role.ADMIN, Role.INSPECTOR})
