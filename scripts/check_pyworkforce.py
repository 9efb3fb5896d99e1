"""Checks `peakdesk erlang --max-occupancy 0.85 --shrinkage 0.3` against
pyworkforce's ErlangC (PyPI, pinned in scripts/test.sh), an Erlang
calculator planners use: required agents and rostered FTE exactly; service
level, mean wait (ASA), occupancy and the chance to wait to 1e-6 relative.

usage: check_pyworkforce.py PEAKDESK_BINARY

pyworkforce's conventions (read from pyworkforce/queuing/erlang.py, 0.5.1):
- ErlangC(transactions, aht, asa, interval, shrinkage): `transactions`
  arrive per `interval`; `aht`, `asa` and `interval` are in one unit (its
  docs say minutes; seconds here). `asa` is the target answer time of the
  service level, not a mean wait.
- service level: 1 - P(wait) x exp(-(N - A) x asa / aht), the share of all
  arrivals answered within `asa` (Erlang C: nobody gives up), peakdesk's
  answered_within at the target time.
- occupancy: A / N (offered load over agents), peakdesk's occupancy.
- required_positions(service_level, max_occupancy): the first N from
  round(A + 1) upward meeting the service level; if its occupancy passes
  the cap, N = ceil(A / max_occupancy) instead. `raw_positions` is N,
  `positions` is ceil(N / (1 - shrinkage)): peakdesk's `agents` and
  `rostered_fte`.
- it gives no mean wait: ASA here is the Erlang C formula
  P(wait) x aht / (N - A) applied to pyworkforce's P(wait), which peakdesk's
  wait_mean_s must match.

Two differences are asserted as such (the README states them): pyworkforce
never answers fewer than round(A + 1) agents, and its ceil(N / (1 - s)) in
floating point rounds an exact quotient up (21 / 0.7 = 30.000000000000004).

The package's __init__ imports its scheduling and rostering modules
(OR-Tools, pandas); the queuing module needs numpy and joblib only, so
pyworkforce is installed without its other dependencies and its package
is entered without running that __init__.
"""
import importlib.util
import json
import subprocess
import sys
import types


def erlang_c_class():
    spec = importlib.util.find_spec("pyworkforce")
    if spec is None:
        sys.exit("FAIL: pyworkforce is not installed")
    pkg = types.ModuleType("pyworkforce")
    pkg.__path__ = list(spec.submodule_search_locations)
    sys.modules["pyworkforce"] = pkg
    from pyworkforce.queuing.erlang import ErlangC

    return ErlangC


ErlangC = erlang_c_class()
binary = sys.argv[1]
CAP, SHRINKAGE, TOL = 0.85, 0.3, 1e-6

# (arrivals per hour, handle time s, service level, target time s)
CASES = [
    (360, 180, 0.80, 20),  # the cap and the target ask for 22 alike
    (100, 300, 0.90, 30),  # the target binds, low occupancy
    (50, 600, 0.80, 60),
    (30, 900, 0.70, 120),
    (720, 90, 0.90, 10),
    (1200, 240, 0.80, 20),  # the cap binds: 95 agents, not 87
    (2000, 120, 0.95, 15),  # the cap binds: 79, not 77
    (4800, 300, 0.80, 30),  # the cap binds: 471, not 410
]


def peakdesk(per_h, aht, sl, asa):
    args = [
        binary, "erlang", "--rate", f"{per_h}/h", "--handle", f"{aht}s",
        "--target", f"{sl * 100:g}/{asa}s", "--max-occupancy", str(CAP),
        "--shrinkage", str(SHRINKAGE), "--format", "json",
    ]
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def pyworkforce(per_h, aht, sl, asa):
    e = ErlangC(transactions=per_h, aht=aht, asa=asa, interval=3600, shrinkage=SHRINKAGE)
    r = e.required_positions(service_level=sl, max_occupancy=CAP)
    n = r["raw_positions"]
    r["asa"] = r["waiting_probability"] * aht / (n - e.intensity)
    r["uncapped"] = e.required_positions(service_level=sl, max_occupancy=1.0)["raw_positions"]
    return r


def close(a, b):
    return abs(a - b) <= TOL * max(abs(a), abs(b))


binds = 0
for case in CASES:
    p, w = peakdesk(*case), pyworkforce(*case)
    got = {
        "agents": p["agents"],
        "rostered_fte": p["rostered_fte"],
        "service_level": p["answered_within"][p["target"]["within"]],
        "asa": p["mean_wait_s"],
        "occupancy": p["occupancy"],
        "waiting_probability": p["wait_prob"],
    }
    want = {
        "agents": w["raw_positions"],
        "rostered_fte": w["positions"],
        "service_level": w["service_level"],
        "asa": w["asa"],
        "occupancy": w["occupancy"],
        "waiting_probability": w["waiting_probability"],
    }
    for k in ("agents", "rostered_fte"):
        assert got[k] == want[k], f"{case}: {k} {got[k]} (peakdesk) vs {want[k]} (pyworkforce)"
    for k in ("service_level", "asa", "occupancy", "waiting_probability"):
        assert close(got[k], want[k]), f"{case}: {k} {got[k]} (peakdesk) vs {want[k]} (pyworkforce)"
    capped = w["raw_positions"] > w["uncapped"]
    assert (p["required_by"] == "max_occupancy") == capped, f"{case}: required_by {p['required_by']}"
    chosen = [r for r in p["table"] if r["chosen"]]
    assert len(chosen) == 1 and chosen[0]["agents"] == p["agents"], f"{case}: table {p['table']}"
    binds += capped
    print(f"ok: {case[0]}/h x {case[1]} s, {case[2]:.0%}/{case[3]}s: {got['agents']} agents"
          f" ({'cap binds' if capped else 'target binds'}), {got['rostered_fte']} FTE,"
          f" service level {got['service_level']:.6f}, ASA {got['asa']:.4f} s,"
          f" occupancy {got['occupancy']:.6f}")
assert binds >= 2 and binds < len(CASES), f"the cap binds in {binds} of {len(CASES)} cases"

# Difference 1: load 1.6 erlangs, a loose target: 2 agents meet it and the
# cap (occupancy 80%); pyworkforce starts at round(A + 1) = 3.
loose = (24, 240, 0.30, 120)
p, w = peakdesk(*loose), pyworkforce(*loose)
assert (p["agents"], w["raw_positions"]) == (2, 3), (p["agents"], w["raw_positions"])
# Difference 2: 21 agents at 30% shrinkage are 30 rostered (30 x 0.7 = 21);
# pyworkforce's ceil(21 / 0.7) in floating point says 31.
exact = (240, 240, 0.90, 30)
p, w = peakdesk(*exact), pyworkforce(*exact)
assert p["agents"] == w["raw_positions"] == 21, (p["agents"], w["raw_positions"])
assert (p["rostered_fte"], w["positions"]) == (30, 31), (p["rostered_fte"], w["positions"])
print(f"pyworkforce: {len(CASES)} cases agree (the cap binds in {binds});"
      " the two stated differences hold")
