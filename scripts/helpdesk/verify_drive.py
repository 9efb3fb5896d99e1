"""Checks a drive of the local django-helpdesk against what the database
holds (the JSON printed by tickets.py). Exits 1 with the reason if:
- the tickets are not exactly the conversations the drive opened;
- a request failed;
- nobody gave up (the profile overloads the desk on purpose), or the
  tickets closed are not exactly the shoppers who gave up;
- a shopper who was answered has no agent's public follow-up, or an
  answered ticket was never claimed (assigned_to);
- the shopper's first response and the server's (ticket opened to the
  agent's follow-up, by the server's dates) differ by more than the
  request latency (open request p99 + webhook detection p99), or the
  server's is the longer.
Usage: verify_drive.py SUMMARY.json TICKETS.json"""
import json
import sys

summary = json.load(open(sys.argv[1]))
db = json.load(open(sys.argv[2]))
d = summary["drive"]
arrived = sum(i["arrived"] for i in summary["intervals"])
answered = sum(i["answered"] for i in summary["intervals"])
abandoned = sum(i["abandoned"] for i in summary["intervals"])
problems = []
if db["tickets"] != d["opened"] or arrived != d["opened"]:
    problems.append(f"tickets {db['tickets']}, opened {d['opened']}, arrived {arrived}: expected all equal")
if sum(d["errors"].values()) != 0:
    problems.append(f"requests failed: {d['errors']} {d['first_errors']}")
if abandoned == 0:
    problems.append("nobody gave up: the profile should overload the desk")
if db["closed"] != abandoned:
    problems.append(f"{db['closed']} tickets closed, {abandoned} shoppers gave up: expected equal")
if not (answered <= db["answered"] <= answered + abandoned):
    problems.append(f"{db['answered']} tickets with an agent's reply, {answered} answered shoppers, {abandoned} gave up")
if db["assigned"] < db["answered"]:
    problems.append(f"{db['answered']} tickets answered but only {db['assigned']} claimed")
e2e, server = d["end_to_end_s"]["mean"], d["server_response_s"]["mean"]
latency = d["open_latency_s"]["p99"] + d["detection_lag_s"]["p99"]
if d["server_response_s"]["count"] != answered:
    problems.append(f"server-side times for {d['server_response_s']['count']} of {answered} answers")
if not (0 <= e2e - server <= latency):
    problems.append(f"first response: shopper {e2e:.3f} s, server {server:.3f} s, latency allowance {latency:.3f} s")
print(
    f"django-helpdesk: {db['tickets']} tickets, {db['answered']} answered by virtual agents, "
    f"{db['closed']} closed by shoppers who gave up; first response {e2e:.3f} s (shopper) "
    f"vs {server:.3f} s (server), allowance {latency:.3f} s"
)
if problems:
    for p in problems:
        print("FAIL:", p)
    sys.exit(1)
