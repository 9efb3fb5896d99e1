"""Opens peakdesk HTML reports in headless Chromium and checks they render.

For each report given on the command line:
  1. a screenshot of the page as written (Chromium --screenshot), checked to
     be a real image that is not blank;
  2. a copy of the page with a small probe script added at the end, opened
     with --dump-dom: the probe measures every <svg> chart (rendered box and
     drawn content must have non-zero size), counts them against the file's
     own <svg> count, records any error the page raises (script errors,
     resources that fail to load, console.error/warn), and reads the
     navigation timing (load event) of the page.
Chromium's own log (--enable-logging=stderr) is also searched for console
messages from the page.

Prints one line per report: "ok: NAME: K charts, load L ms, open W ms", or
"FAIL: NAME: why". Exit status 0 when every report passes, 1 otherwise.
With --repeat N the page is opened N times and the median times printed
(scripts/bench_report.sh uses it for the README's figure).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from PIL import Image

PROBE = """
<pre id="peakdesk-probe">pending</pre>
<script>
(function () {
  var errors = [];
  window.addEventListener('error', function (e) {
    var t = e.target;
    errors.push(t && t !== window ? 'resource failed: ' + (t.src || t.href || t.tagName) : 'error: ' + e.message);
  }, true);
  ['error', 'warn'].forEach(function (level) {
    var orig = console[level];
    console[level] = function () {
      errors.push('console.' + level + ': ' + Array.prototype.join.call(arguments, ' '));
      orig.apply(console, arguments);
    };
  });
  window.addEventListener('load', function () {
    var charts = Array.prototype.map.call(document.querySelectorAll('svg'), function (svg) {
      var box = svg.getBoundingClientRect();
      var drawn = svg.getBBox();
      var title = svg.querySelector('title');
      return {
        title: title ? title.textContent : '',
        width: box.width, height: box.height,
        drawn_width: drawn.width, drawn_height: drawn.height,
        shapes: svg.querySelectorAll('rect,polyline,path,circle,line').length
      };
    });
    var nav = performance.getEntriesByType('navigation')[0];
    document.getElementById('peakdesk-probe').textContent = JSON.stringify({
      charts: charts, errors: errors,
      load_ms: nav ? nav.loadEventStart : null,
      dom_ms: nav ? nav.domContentLoadedEventEnd : null
    });
  });
})();
</script>
"""

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("FAIL: no chromium on PATH (scripts/check_reports.sh installs Debian's 'chromium')")


def run(browser, profile_dir, args, url, timeout=60, tries=3):
    """Runs Chromium on the page. Headless Chromium now and then dies by a
    signal whatever the page (a segfault in its GPU-less start-up), so a
    run killed by a signal is tried again, up to `tries` times, and said so;
    a page that crashes it every time still fails."""
    for attempt in range(1, tries + 1):
        started = time.monotonic()
        proc = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile_dir}", *args, url],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode >= 0 or attempt == tries:
            return proc, (time.monotonic() - started) * 1000.0
        print(f"note: chromium died by signal {-proc.returncode} on {os.path.basename(url)}, "
              f"try {attempt} of {tries}", file=sys.stderr)


def console_lines(stderr, url):
    """Console messages Chromium logged for the page."""
    return [
        line
        for line in stderr.splitlines()
        if "CONSOLE" in line and (url in line or "file://" in line)
    ]


def check(browser, path, work, repeat):
    name = os.path.basename(path)
    html = open(path, encoding="utf-8").read()
    expected = html.count("<svg")
    if expected == 0:
        return f"FAIL: {name}: the file has no <svg> charts"
    url = "file://" + os.path.abspath(path)

    # 1. The page as written: a screenshot, not blank.
    shot = os.path.join(work, name + ".png")
    proc, open_ms = run(
        browser, os.path.join(work, "profile-shot"),
        ["--window-size=1280,2400", f"--screenshot={shot}"], url,
    )
    if proc.returncode != 0 or not os.path.exists(shot):
        return f"FAIL: {name}: chromium exited {proc.returncode} without a screenshot: {proc.stderr[-400:]}"
    img = Image.open(shot).convert("L")
    if img.size != (1280, 2400):
        return f"FAIL: {name}: screenshot is {img.size}, expected 1280x2400"
    lo, hi = img.getextrema()
    if hi - lo < 100:
        return f"FAIL: {name}: the screenshot is blank (grey levels {lo}..{hi})"
    logged = console_lines(proc.stderr, url)
    if logged:
        return f"FAIL: {name}: the page logged: {logged[:3]}"

    # 2. The probe: every chart drawn with a size, no errors, the timing.
    probed = os.path.join(work, "probe-" + name)
    at = html.rfind("</body>")
    with open(probed, "w", encoding="utf-8") as f:
        f.write(html[:at] + PROBE + html[at:] if at >= 0 else html + PROBE)
    purl = "file://" + os.path.abspath(probed)
    loads, opens = [], [open_ms]
    for i in range(repeat):
        proc, ms = run(browser, os.path.join(work, f"profile-{i}"), ["--dump-dom"], purl)
        m = re.search(r'<pre id="peakdesk-probe">(.*?)</pre>', proc.stdout, re.S)
        if proc.returncode != 0 or not m or m.group(1) == "pending":
            return f"FAIL: {name}: the probe did not report (exit {proc.returncode}): {proc.stderr[-400:]}"
        result = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
        loads.append(result["load_ms"])
        opens.append(ms)
        if i == 0:
            charts = result["charts"]
            if len(charts) != expected:
                return f"FAIL: {name}: {len(charts)} charts rendered, the file has {expected}"
            for c in charts:
                if min(c["width"], c["height"], c["drawn_width"], c["drawn_height"]) <= 0 or c["shapes"] == 0:
                    return f"FAIL: {name}: chart '{c['title']}' rendered empty: {c}"
            if result["errors"]:
                return f"FAIL: {name}: the page reported errors: {result['errors'][:3]}"
            logged = [l for l in console_lines(proc.stderr, purl) if "peakdesk-probe" not in l]
            if logged:
                return f"FAIL: {name}: the page logged: {logged[:3]}"
    size = os.path.getsize(path)
    return (
        f"ok: {name}: {expected} charts rendered, {size / 1e6:.2f} MB, "
        f"load event {statistics.median(loads):.0f} ms (median of {len(loads)}), "
        f"chromium open+screenshot {statistics.median(opens):.0f} ms"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reports", nargs="+")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--screenshots", help="keep the screenshots in this folder")
    a = ap.parse_args()
    browser = chromium()
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        for path in a.reports:
            line = check(browser, path, work, a.repeat)
            print(line, flush=True)
            failed += line.startswith("FAIL")
            if a.screenshots:
                shot = os.path.join(work, os.path.basename(path) + ".png")
                if os.path.exists(shot):
                    shutil.copy(shot, a.screenshots)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
