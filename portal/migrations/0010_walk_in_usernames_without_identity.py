"""Rename the accounts opened at the hall from <kind>-<ID number or credit code> to a random hall-<10 chars>.

Only accounts still bearing the generated name and no usable password (never taken over online)
are renamed; an account taken over has the username its owner chose at registration.
"""

import base64
import re
import secrets

from django.db import migrations
from django.db.models import Q

# The names walk_in_applicant gave: the kind, then the ID number or credit code in lower case.
GENERATED = re.compile(r"^(citizen-[0-9]{17}[0-9x]|enterprise-[0-9a-z]{18})$")


def _random_name(taken: set[str]) -> str:
    while True:
        name = "hall-" + base64.b32encode(secrets.token_bytes(10)).decode().lower()[:10]
        if name not in taken:
            return name


def rename_walk_in_accounts(apps, schema_editor):
    User = apps.get_model("portal", "User")
    taken = set(User.objects.filter(username__startswith="hall-").values_list("username", flat=True))
    candidates = User.objects.filter(Q(username__startswith="citizen-") | Q(username__startswith="enterprise-"))
    for user in candidates.only("pk", "username", "password").iterator():
        # A usable password means the owner registered and chose this name: theirs to keep.
        if not GENERATED.match(user.username) or not user.password.startswith("!"):
            continue
        user.username = _random_name(taken)
        taken.add(user.username)
        user.save(update_fields=["username"])


class Migration(migrations.Migration):
    dependencies = [("portal", "0009_takeover_code")]

    # Not reversed: putting the ID numbers back into usernames is what this migration removes.
    operations = [migrations.RunPython(rename_walk_in_accounts, migrations.RunPython.noop)]
