"""Prepares a fresh django-helpdesk database for a drive: one queue, an
intake staff user whose token opens the shoppers' tickets, and one staff
user with a token per virtual agent. Writes, into --out:
  intake.token       the intake user's token
  agents.txt         "username user_id token", one line per agent
Run with the helpdesk virtual environment's python, from anywhere."""
import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "site"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peaksite.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from helpdesk.models import Queue  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402


def staff(username):
    user, _ = get_user_model().objects.get_or_create(
        username=username,
        defaults={"is_staff": True, "is_superuser": True, "email": f"{username}@peakdesk.test"},
    )
    user.set_unusable_password()
    user.save()
    token, _ = Token.objects.get_or_create(user=user)
    return user, token.key


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--agents", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    out = Path(a.out)
    queue, _ = Queue.objects.get_or_create(
        slug="shop", defaults={"title": "Shop", "allow_public_submission": False}
    )
    _, intake = staff("intake")
    (out / "intake.token").write_text(intake + "\n")
    lines = []
    for i in range(1, a.agents + 1):
        user, key = staff(f"agent{i:03d}")
        lines.append(f"{user.username} {user.id} {key}")
    (out / "agents.txt").write_text("\n".join(lines) + "\n")
    print(f"queue {queue.id}")


if __name__ == "__main__":
    main()
