"""Builders for test records of the portal core."""

import itertools

from django.contrib.auth.models import Group
from stdnum.cn import ric, uscc

from portal.models import Department, User

PASSWORD = "correct-horse-battery-staple"
_sequence = itertools.count(1)


def id_number(birth: str = "19900307", region: str = "110101") -> str:
    """Return a valid resident ID number, different at each call."""
    body = f"{region}{birth}{next(_sequence) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code() -> str:
    """Return a valid unified social credit code, different at each call."""
    body = f"91320100MA{next(_sequence):07d}"
    return body + uscc.calc_check_digit(body + "0")


def department(code: str = "zjj", name: str = "市住房和城乡建设局") -> Department:
    return Department.objects.get_or_create(code=code, defaults={"name": name})[0]


def citizen(username: str = "alice", real_name: str = "张爱丽", **fields) -> User:
    fields.setdefault("id_number", id_number())
    fields.setdefault("mobile", "13812345678")
    fields.setdefault("email", f"{username}@example.com")
    return User.objects.create_user(
        username=username, password=PASSWORD, kind=User.Kind.CITIZEN, real_name=real_name, **fields
    )


def enterprise(username: str = "acme", organization_name: str = "示例科技有限公司", **fields) -> User:
    fields.setdefault("credit_code", credit_code())
    fields.setdefault("mobile", "13912345678")
    fields.setdefault("email", f"{username}@example.com")
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        kind=User.Kind.ENTERPRISE,
        organization_name=organization_name,
        real_name="王经理",
        **fields,
    )


def staff(username: str, role: str, department: Department | None = None, **fields) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        kind=User.Kind.STAFF,
        is_staff=True,
        department=department,
        real_name=fields.pop("real_name", username),
        **fields,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def totp_device(user, key: str | None = None):
    """Give a staff account a confirmed authenticator (django-otp TOTPDevice); return it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415 - only tests of the second factor

    fields = {"key": key} if key else {}
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, **fields)


def totp_code(device, *, steps: int = 0) -> str:
    """Return the 6-digit code the device's authenticator app shows now (or ``steps`` time steps away)."""
    from django_otp.oath import totp  # noqa: PLC0415

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps):06d}"
