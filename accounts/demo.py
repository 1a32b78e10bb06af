"""Demo departments and one login per role for `make run`."""

from __future__ import annotations

from django.db import transaction

from core.choices import DepartmentKind
from core.models import Department

from .choices import Role
from .models import User

DEMO_PASSWORD = "qingling-demo"

DEPARTMENTS = [
    ("150600", "鄂尔多斯市应急管理局", DepartmentKind.EMERGENCY),
    ("150623", "鄂托克前旗应急管理局", DepartmentKind.EMERGENCY),
    ("150623", "鄂托克前旗安全生产委员会办公室", DepartmentKind.SAFETY_OFFICE),
    ("150623", "鄂托克前旗住房和城乡建设局", DepartmentKind.HOUSING),
    ("150623", "鄂托克前旗市场监督管理局", DepartmentKind.MARKET),
    ("150624", "鄂托克旗应急管理局", DepartmentKind.EMERGENCY),
]

# username, name, role, region, department name, superuser
USERS = [
    ("admin", "系统管理员", Role.ADMIN, None, None, True),
    ("leader", "高建国", Role.LEADER, "150600", "鄂尔多斯市应急管理局", False),
    ("reviewer", "王志刚", Role.REVIEWER, "150623", "鄂托克前旗应急管理局", False),
    ("inspector", "李明", Role.INSPECTOR, "150623", "鄂托克前旗应急管理局", False),
    ("inspector2", "赵海军", Role.INSPECTOR, "150623", "鄂托克前旗应急管理局", False),
    ("inspector_b", "张伟", Role.INSPECTOR, "150624", "鄂托克旗应急管理局", False),
    ("zhujian", "刘建华", Role.INSPECTOR, "150623", "鄂托克前旗住房和城乡建设局", False),
]


@transaction.atomic
def seed_accounts() -> None:
    for region, name, kind in DEPARTMENTS:
        Department.objects.update_or_create(region_id=region, name=name, defaults={"kind": kind})
    for _row in USERS:
        username, name, role, region, department, superuser = _row
        user, created = User.objects.get_or_create(username=username)
        user.name, user.role, user.region_id = name, role, region
        user.department = Department.objects.get(name=department) if department else None
        user.is_superuser = user.is_staff = superuser
        if role in (Role.INSPECTOR, Role.REVIEWER) and region:
            # A made-up 执法证号: region code and a serial, as printed on the documents.
            user.certificate_no = f"{region}2026{USERS.index(_row) + 1:04d}"
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
