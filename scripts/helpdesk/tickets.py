"""Counts what a drive left in the local django-helpdesk database, as JSON:
tickets, tickets with a public follow-up by a virtual agent (answered),
tickets closed (status 4), and closed tickets that were never answered.
Run with the helpdesk virtual environment's python:
    PEAKDESK_HELPDESK_DATA=DIR python scripts/helpdesk/tickets.py"""
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "site"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peaksite.settings")

import django  # noqa: E402

django.setup()

from helpdesk.models import FollowUp, Ticket  # noqa: E402

agents = FollowUp.objects.filter(public=True, user__username__startswith="agent")
answered = set(agents.values_list("ticket_id", flat=True))
closed = set(Ticket.objects.filter(status=Ticket.CLOSED_STATUS).values_list("id", flat=True))
print(
    json.dumps(
        {
            "tickets": Ticket.objects.count(),
            "answered": len(answered),
            "closed": len(closed),
            "closed_unanswered": len(closed - answered),
            "assigned": Ticket.objects.exclude(assigned_to=None).count(),
        }
    )
)
