"""Demo departments and one login per role for `make run`.

A department is known by its region and kind, a login by its username: a name the user changes
later never makes the seeding create it again, and an existing record is never overwritten.
"""

from __future__ import annotations

from django.db import transaction

from core.choices import DepartmentKind
from core.models import Department

from .choices import Role
from .models import User

DEMO_PASSWORD = "qingling-demo"

# region, name, kind (one department per region and kind)
DEPARTMENTS = [
    ("150600", "鄂尔多斯市应急管理局", DepartmentKind.EMERGENCY),
    ("150623", "鄂托克前旗应急管理局", DepartmentKind.EMERGENCY),
    ("150623", "鄂托克前旗安全生产委员会办公室", DepartmentKind.SAFETY_OFFICE),
    ("150623", "鄂托克前旗住房和城乡建设局", DepartmentKind.HOUSING),
    ("150623", "鄂托克前旗市场监督管理局", DepartmentKind.MARKET),
    ("150624", "鄂托克旗应急管理局", DepartmentKind.EMERGENCY),
]

# username, name, role, region, kind of the region's department, superuser
USERS = [
    ("admin", "系统管理员", Role.ADMIN, None, None, True),
    ("leader", "高建国", Role.LEADER, "150600", DepartmentKind.EMERGENCY, False),
    ("reviewer", "王志刚", Role.REVIEWER, "150623", DepartmentKind.EMERGENCY, False),
    ("inspector", "李明", Role.INSPECTOR, "150623", DepartmentKind.EMERGENCY, False),
    ("inspector2", "赵海军", Role.INSPECTOR, "150623", DepartmentKind.EMERGENCY, False),
    ("inspector_b", "张伟", Role.INSPECTOR, "150624", DepartmentKind.EMERGENCY, False),
    ("zhujian", "刘建华", Role.INSPECTOR, "150623", DepartmentKind.HOUSING, False),
]


def demo_department(region: str, kind: str) -> Department | None:
    """The demo's department of this region and kind, whatever it is called now."""
    return Department.objects.filter(region_id=region, kind=kind).order_by("pk").first()


@transaction.atomic
def seed_accounts() -> int:
    """Create the missing demo departments and logins; returns the number of logins created."""
    for region, name, kind in DEPARTMENTS:
        taken = Department.objects.filter(region_id=region, name=name).exists()
        if not taken and demo_department(region, kind) is None:
            Department.objects.create(region_id=region, name=name, kind=kind)
    taken = set(
        User.objects.filter(username__in=[row[0] for row in USERS]).values_list(
            "username", flat=True
        )
    )
    created = 0
    for serial, (username, name, role, region, kind, superuser) in enumerate(USERS, start=1):
        if username in taken:
            continue
        user = User(
            username=username,
            name=name,
            role=role,
            region_id=region,
            department=demo_department(region, kind) if kind else None,
            is_superuser=superuser,
            is_staff=superuser,
        )
        if role in (Role.INSPECTOR, Role.REVIEWER) and region:
            # A made-up 执法证号: region code and a serial, as printed on the documents.
            user.certificate_no = f"{region}2026{serial:04d}"
        user.set_password(DEMO_PASSWORD)
        user.save()
        created += 1
    return created
