"""What a drive left in the local django-helpdesk database, as JSON: counts
(tickets, tickets with a public follow-up by a virtual agent, tickets
closed (status 4), closed tickets never answered, tickets claimed) and,
for each ticket, its status and its follow-ups in order (who wrote each:
"agent" for a virtual agent, "shopper" for the intake user; whether it is
public; its date as seconds since the epoch).
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
tickets = {}
for t in Ticket.objects.all():
    tickets[t.id] = {"status": t.status, "closed": t.status == Ticket.CLOSED_STATUS, "followups": []}
for f in FollowUp.objects.select_related("user").order_by("date", "id"):
    name = f.user.username if f.user else ""
    tickets[f.ticket_id]["followups"].append(
        {
            "by": "agent" if name.startswith("agent") else "shopper",
            "public": f.public,
            "at": f.date.timestamp(),
        }
    )
print(
    json.dumps(
        {
            "tickets": Ticket.objects.count(),
            "answered": len(answered),
            "closed": len(closed),
            "closed_unanswered": len(closed - answered),
            "assigned": Ticket.objects.exclude(assigned_to=None).count(),
            "by_ticket": tickets,
        }
    )
)
