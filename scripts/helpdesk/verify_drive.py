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
  server's is the longer;
- whole conversations: a ticket's public follow-ups after the opening do
  not alternate agent, shopper, agent, ... (each shopper message answered
  before the next); the shopper follow-ups are not exactly the later
  messages the drive sent; the tickets with every turn answered (3 agent
  replies, 2 shopper messages) are not exactly the conversations the drive
  saw resolved; a closed ticket has no internal closing note;
- a later message's answer as the shopper saw it and by the server's clock
  (shopper follow-up to the agent's, by the server's dates) differ by more
  than the request latency (message request p99 + webhook detection p99),
  or the server's is the longer; or the server's mean differs from the
  database's.
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
TURNS = 3
resolved = sum(i["tally"]["resolved"] for i in summary["intervals"])
shopper_messages, full, db_server = 0, 0, []
for tid, t in db["by_ticket"].items():
    public = [f for f in t["followups"] if f["public"]]
    later = public[1:]  # after the opening follow-up
    kinds = [f["by"] for f in later]
    if any(a == b for a, b in zip(kinds, kinds[1:])) or (kinds and kinds[0] != "agent"):
        problems.append(f"ticket {tid}: follow-ups out of turn: {kinds}")
        continue
    shopper_messages += kinds.count("shopper")
    if kinds.count("agent") == TURNS and kinds.count("shopper") == TURNS - 1:
        full += 1
    for ask, answer in zip(later, later[1:]):
        if ask["by"] == "shopper" and answer["by"] == "agent":
            db_server.append(answer["at"] - ask["at"])
    if t["closed"] and all(f["public"] for f in t["followups"]):
        problems.append(f"ticket {tid}: closed, but without the shopper's closing note")
if shopper_messages != d["messages"]:
    problems.append(f"{shopper_messages} shopper follow-ups, {d['messages']} later messages sent: expected equal")
if d["messages"] == 0:
    problems.append("no later messages: the profile's conversations have three turns")
if full != resolved:
    problems.append(f"{full} tickets with every turn answered, {resolved} conversations resolved: expected equal")
m = d["messages_s"]
m_e2e, m_server = m["end_to_end"]["mean"], m["server_response"]["mean"]
m_latency = m["request"]["p99"] + d["detection_lag_s"]["p99"]
if m_e2e is None or m_server is None or not (0 <= m_e2e - m_server <= m_latency):
    problems.append(f"later messages: shopper {m_e2e} s, server {m_server} s, latency allowance {m_latency} s")
db_mean = sum(db_server) / max(len(db_server), 1)
if m_server is not None and abs(db_mean - m_server) > 0.01 + 0.02 * db_mean:
    problems.append(f"later messages by the server's clock: drive {m_server:.3f} s, database {db_mean:.3f} s")
print(
    f"django-helpdesk: {d['messages']} later messages, {full} tickets with every turn answered; "
    f"later message answered in {m_e2e:.3f} s (shopper) vs {m_server:.3f} s (server), "
    f"database {db_mean:.3f} s, allowance {m_latency:.3f} s"
)
print(
    f"django-helpdesk: {db['tickets']} tickets, {db['answered']} answered by virtual agents, "
    f"{db['closed']} closed by shoppers who gave up; first response {e2e:.3f} s (shopper) "
    f"vs {server:.3f} s (server), allowance {latency:.3f} s"
)
if problems:
    for p in problems:
        print("FAIL:", p)
    sys.exit(1)
