"""Reads peakdesk's JUnit XML with junitparser (a real JUnit consumer, as
CI systems use) and checks the counts and the failure message.

usage: check_junit.py FILE TESTS FAILURES SKIPPED [STOPPED]

STOPPED: the suite must carry the property stopped=STOPPED (a drive
stopped early, e.g. `sla`).
"""
import sys

from junitparser import Failure, JUnitXml, Skipped

path, tests, failures, skipped = sys.argv[1], *map(int, sys.argv[2:5])
stopped = sys.argv[5] if len(sys.argv) > 5 else None
xml = JUnitXml.fromfile(path)
if stopped is not None:
    props = {p.name: p.value for suite in xml for p in suite.properties()}
    assert props.get("stopped") == stopped, f"stopped={props.get('stopped')}, expected {stopped}"
cases = [case for suite in xml for case in suite]
seen_fail = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
seen_skip = [c for c in cases if any(isinstance(r, Skipped) for r in c.result)]
assert len(cases) == tests, f"{len(cases)} test cases, expected {tests}"
assert len(seen_fail) == failures, f"{len(seen_fail)} failures, expected {failures}"
assert len(seen_skip) == skipped, f"{len(seen_skip)} skipped, expected {skipped}"
for case in seen_fail:
    msg = case.result[0].message
    assert "threshold" in msg and "replications" in msg, msg
print(f"junitparser: {path}: {len(cases)} cases, {len(seen_fail)} failed, {len(seen_skip)} skipped: as expected")
