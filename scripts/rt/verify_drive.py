"""Checks a drive of the local Request Tracker against its SQLite database.
Exits 1 with the reason if:
- the tickets in the queue are not exactly the conversations the drive
  opened, or a request failed;
- nobody gave up (the profile loads the desk to its edge on purpose), or
  the rejected tickets are not exactly the shoppers who gave up, or a
  rejected ticket has no intake comment;
- a shopper who was answered has no virtual agent's correspondence, or an
  answered ticket has no agent as its Owner;
- a ticket's correspondences after the opening do not alternate agent,
  shopper, agent, ...; the shopper's correspondences are not exactly the
  later messages the drive sent; the tickets with every turn answered are
  not exactly the conversations the drive saw resolved;
- the shoppers' first response and the server's (RT's Created times, whole
  seconds) differ by more than the request latency plus a second;
- the drive's request count is not the sum of what the database holds
  (tickets, takes, correspondences, closing comments) and the reads and
  polls the drive reported (COSTS: the drive's stderr), less at most what
  the virtual agents finished after the count on tickets not fully answered.
Usage: verify_drive.py SUMMARY.json RT.sqlite QUEUE TURNS COSTS"""
import json
import re
import sqlite3
import sys
from datetime import datetime, timezone

summary = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
queue, turns = sys.argv[3], int(sys.argv[4])
costs = re.search(r"(\d+) history reads for RT's times, (\d+) polls \((\d+) replies", open(sys.argv[5]).read())
d = summary["drive"]
arrived = sum(i["arrived"] for i in summary["intervals"])
answered = sum(i["answered"] for i in summary["intervals"])
abandoned = sum(i["abandoned"] for i in summary["intervals"])
resolved = sum(i["tally"]["resolved"] for i in summary["intervals"])


def epoch(sql):
    return datetime.strptime(sql, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp()


q = db.execute("SELECT id FROM Queues WHERE Name = ?", (queue,)).fetchone()
tickets = {
    tid: {"status": st, "owner": owner, "created": epoch(created), "txns": []}
    for tid, st, owner, created in db.execute(
        "SELECT t.id, t.Status, u.Name, t.Created FROM Tickets t JOIN Users u ON u.id = t.Owner WHERE t.Queue = ?",
        (q[0] if q else -1,),
    )
}
takes = 0
for tid, kind, field, who, created in db.execute(
    "SELECT x.ObjectId, x.Type, x.Field, u.Name, x.Created FROM Transactions x JOIN Users u ON u.id = x.Creator "
    "WHERE x.ObjectType = 'RT::Ticket' ORDER BY x.id"
):
    if tid in tickets:
        tickets[tid]["txns"].append((kind, who, epoch(created)))
        takes += kind == "Set" and field == "Owner"

problems = []
if len(tickets) != d["opened"] or arrived != d["opened"]:
    problems.append(f"tickets {len(tickets)}, opened {d['opened']}, arrived {arrived}: expected all equal")
if sum(d["errors"].values()) != 0:
    problems.append(f"requests failed: {d['errors']} {d['first_errors']}")
rejected = [t for t in tickets.values() if t["status"] == "rejected"]
if abandoned == 0:
    problems.append("nobody gave up: the profile should load the desk to its edge")
if len(rejected) != abandoned:
    problems.append(f"{len(rejected)} tickets rejected, {abandoned} shoppers gave up: expected equal")
if any(not any(k == "Comment" and w == "intake" for k, w, _ in t["txns"]) for t in rejected):
    problems.append("a rejected ticket has no intake comment")
agent_posts = shopper_posts = full = 0
answered_db, server = 0, []
for tid, t in tickets.items():
    corr = [(w, at) for k, w, at in t["txns"] if k == "Correspond"]
    kinds = ["agent" if w.startswith("agent") else "shopper" for w, _ in corr]
    if any(a == b for a, b in zip(kinds, kinds[1:])) or (kinds and kinds[0] != "agent"):
        problems.append(f"ticket {tid}: correspondences out of turn: {kinds}")
    agent_posts += kinds.count("agent")
    shopper_posts += kinds.count("shopper")
    if kinds:
        answered_db += 1
        server.append(corr[0][1] - t["created"])
        if not t["owner"].startswith("agent"):
            problems.append(f"ticket {tid}: answered, but its Owner is {t['owner']}")
    if kinds.count("agent") == turns and kinds.count("shopper") == turns - 1:
        full += 1
if not (answered <= answered_db <= answered + abandoned):
    problems.append(f"{answered_db} tickets with an agent's reply, {answered} answered shoppers, {abandoned} gave up")
if shopper_posts != d["messages"]:
    problems.append(f"{shopper_posts} shopper correspondences, {d['messages']} later messages sent: expected equal")
if d["messages"] == 0:
    problems.append("no later messages: the profile's conversations have two turns")
if full != resolved:
    problems.append(f"{full} tickets with every turn answered, {resolved} conversations resolved: expected equal")
e2e, srv = d["end_to_end_s"]["mean"], d["server_response_s"]["mean"]
latency = d["open_latency_s"]["p99"] + d["detection_lag_s"]["p99"]
if d["server_response_s"]["count"] != answered:
    problems.append(f"server-side times for {d['server_response_s']['count']} of {answered} answers")
if e2e is None or srv is None or not (-1 <= e2e - srv <= latency + 1):
    problems.append(f"first response: shopper {e2e} s, server {srv} s, allowance {latency:.3f} s + 1 s")
if costs is None:
    problems.append("the drive did not report its reads and polls")
else:
    reads, polls, found = map(int, costs.groups())
    if reads != len(tickets) + agent_posts + shopper_posts:
        problems.append(f"{reads} history reads, expected one per post: {len(tickets) + agent_posts + shopper_posts}")
    expected = len(tickets) + takes + agent_posts + shopper_posts + len(rejected) + reads + polls
    # The counts are taken when the run ends; the virtual agents may still
    # finish a take and a reply (and its read) on a ticket not fully answered.
    slack = 3 * (len(tickets) - full)
    if not (0 <= expected - d["requests"] <= slack):
        problems.append(f"{d['requests']} requests counted, the database and the reads and polls make {expected} (tickets not fully answered allow {slack} more)")
    print(f"request tracker: {d['requests']} requests: {reads} reads of RT's times, {polls} polls ({found} found a reply)")
db_mean = sum(server) / max(len(server), 1)
print(
    f"request tracker: {len(tickets)} tickets ({d['achieved_rate_per_s']:.2f}/s), {answered_db} answered by virtual agents, "
    f"{len(rejected)} rejected by shoppers who gave up, {d['messages']} later messages, {full} with every turn answered; "
    f"first response {e2e:.3f} s (shopper) vs {srv:.3f} s (RT's times; database {db_mean:.3f} s), allowance {latency:.3f} s + 1 s"
)
if problems:
    for p in problems:
        print("FAIL:", p)
    sys.exit(1)
