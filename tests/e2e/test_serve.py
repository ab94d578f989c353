"""`sgsim serve` as a training room meets it: the server on a free port with small
runs (England at a few thousand children for 120 days), its JSON API refusing bad
requests with 4xx JSON errors and staying up, then the page in headless Chromium
(Debian's chromium) loaded with URL parameters that pick a scenario, a date and a
lever and run on load. The page reports its state on <body> (data-state,
data-error), read through --dump-dom; a screenshot is kept in the build directory
and must not be blank.

    /usr/bin/python3 tests/e2e/test_serve.py PATH-TO-SGSIM SOURCE-DIR SCREENSHOT.png
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

SGSIM, SRC, SHOT = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2]), os.path.abspath(sys.argv[3])
SCENARIO = "scenarios/england.yaml"  # --scenarios SRC/scenarios names files by folder and file
# Small runs: the test is about the page and the API, not the model.
SMALL = ["--set", "run.days=120", "--set", "run.burn_in_days=0", "--set", "population.children=3000"]
DATE, LEVER, VALUE = "2024-05-01", "front_door.thresholds.referral", "2"

failures = 0


def ok(cond: bool, what: str, detail: str = "") -> None:
    global failures
    print(("ok - " if cond else "not ok - ") + what + ("" if cond else f": {detail}"), flush=True)
    failures += not cond


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base: str, path: str, body: bytes | None = None, ctype: str = "application/json"):
    """(status, parsed JSON or text) for GET, or POST when a body is given."""
    req = urllib.request.Request(base + path, data=body, headers={"Content-Type": ctype} if body is not None else {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            status, raw, kind = r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        status, raw, kind = e.code, e.read(), e.headers.get("Content-Type", "")
    text = raw.decode("utf-8", "replace")
    return status, (json.loads(text) if kind.startswith("application/json") else text)


def trace(base: str, **fields):
    return request(base, "/api/trace", json.dumps(fields).encode())


def browse(chromium: str, tmp: str, mode: list[str], url: str, timeout: int = 90) -> subprocess.CompletedProcess:
    """Headless Chromium with a fresh profile, nothing fetched from outside. The
    virtual time budget lets the page's own script (and its fetches) finish before
    the DOM is dumped or the screenshot taken."""
    profile = tempfile.mkdtemp(dir=tmp, prefix="profile.")
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
         "--window-size=1400,1600", "--virtual-time-budget=60000", *mode, url],
        capture_output=True, text=True, timeout=timeout, cwd=tmp)


def body_tag(dom: str) -> str:
    m = re.search(r"<body[^>]*>", dom)
    return m.group(0) if m else ""


def check_api(base: str) -> None:
    status, page = request(base, "/")
    ok(status == 200 and "<html" in page, "GET / serves the page", str(status))
    ok(not re.search(r"(src|href)=['\"]?https?:", page), "the page is self-contained (nothing fetched)")

    status, lst = request(base, "/api/scenarios")
    ids = [s["id"] for s in lst.get("scenarios", [])] if status == 200 else []
    ok(SCENARIO in ids, "GET /api/scenarios lists the scenario files", f"{status} {lst}")

    status, lv = request(base, "/api/levers?scenario=" + urllib.parse.quote(SCENARIO))
    levers = {x["path"]: x for g in lv.get("modules", []) for x in g["levers"]} if status == 200 else {}
    ok(LEVER in levers and levers[LEVER]["min"] < levers[LEVER]["max"], "GET /api/levers gives ranged levers",
       f"{status} {str(lv)[:300]}")
    ok(not any(p.startswith("run.") for p in levers), "run settings are not levers")
    types = {x["type"] for x in levers.values()}
    ok({"boolean", "choice", "real", "integer"} <= types, "levers of every kind a page can move", str(types))
    ok(levers.get("population.children", {}).get("value") == 3000, "lever values are the scenario's as served",
       str(levers.get("population.children")))
    ok(lv.get("start_date") == "2024-04-01" and lv.get("days") == 120, "the run window comes with the levers",
       f"{lv.get('start_date')} {lv.get('days')}")

    # Bad requests: each a 4xx with a JSON error, and the server still answers after.
    bad = [
        ("an unknown scenario file", trace(base, scenario="../../etc/passwd"), "unknown scenario"),
        ("a date that is not a date", trace(base, scenario=SCENARIO, date="2024-13-45",
                                            changes=[{"path": LEVER, "value": 2}]), "not a date"),
        ("a date outside the run", trace(base, scenario=SCENARIO, date="2031-01-01",
                                         changes=[{"path": LEVER, "value": 2}]), "outside the run"),
        ("a misspelt parameter", trace(base, scenario=SCENARIO, date=DATE,
                                       changes=[{"path": "front_door.thresholds.refferal", "value": 2}]),
         f"did you mean '{LEVER}'"),
        ("a value out of range", trace(base, scenario=SCENARIO, date=DATE,
                                       changes=[{"path": LEVER, "value": 1e9}]), "out of range"),
        ("a run setting as a change", trace(base, scenario=SCENARIO, date=DATE,
                                            changes=[{"path": "run.days", "value": 10}]), "run settings"),
        ("too many futures", trace(base, scenario=SCENARIO, date=DATE, continuations=5000), "out of range"),
        ("a misspelt start setting", trace(base, scenario=SCENARIO, sets=["population.childern=100"]),
         "did you mean 'population.children'"),
        ("malformed JSON", request(base, "/api/trace", b"{\"scenario\": "), "not valid JSON"),
        ("a body that is not JSON", request(base, "/api/trace", b"scenario=x", "application/x-www-form-urlencoded"),
         "application/json"),
        ("levers of an unknown scenario", request(base, "/api/levers?scenario=nope.yaml"), "unknown scenario"),
        ("an unknown address", request(base, "/api/nothing"), "no such"),
    ]
    for what, (status, answer), needle in bad:
        message = answer.get("error", "") if isinstance(answer, dict) else ""
        ok(400 <= status < 500 and needle in message, f"{what}: {status} with a JSON error",
           f"{status} {str(answer)[:300]}")
        alive, _ = request(base, "/api/scenarios")
        if alive != 200:
            ok(False, f"the server stays up after {what}", str(alive))
            return
    ok(True, "the server stayed up through every bad request")

    # births_per_10k is one the scenario file sets itself: a change to it must not
    # come back as whichever value the scenario happened to set last.
    t0 = time.monotonic()
    changes = [{"path": "population.births_per_10k", "value": 400}, {"path": LEVER, "value": 2}]
    status, doc = trace(base, scenario=SCENARIO, date=DATE, changes=changes, continuations=3)
    ok(status == 200 and "outcomes" in doc and doc["timelines"]["as_run"] is not None,
       f"POST /api/trace runs a branch ({time.monotonic() - t0:.1f} s)", f"{status} {str(doc)[:300]}")
    if status == 200:
        got = [(c["path"], float(c["value"])) for c in doc["branch"]["changes"]]
        ok(got == [("population.births_per_10k", 400.0), (LEVER, 2.0)], "the changes are the ones asked for", str(got))
        shown = [r for r in doc["timelines"]["as_run"] if r.get("show")]
        ok(bool(shown) and all(r.get("text") and r.get("lane") for r in shown),
           "every record shown carries the terminal's words and lane (analysis/trace.py)",
           str(doc["timelines"]["as_run"][:2]))


def check_page(base: str, chromium: str, tmp: str) -> None:
    query = urllib.parse.urlencode([("scenario", SCENARIO), ("date", DATE), ("set", f"{LEVER}={VALUE}"),
                                    ("n", "5"), ("run", "1")])
    url = f"{base}/?{query}"
    t0 = time.monotonic()
    dom = ""
    for attempt in (1, 2):  # one retry if Chromium comes back with nothing (small /dev/shm, load)
        r = browse(chromium, tmp, ["--dump-dom"], url)
        dom = r.stdout
        if dom.strip():
            break
        print(f"# chromium attempt {attempt} gave nothing: {r.stderr.strip()[-300:]}")
    body = body_tag(dom)
    print(f"# page: {body} ({time.monotonic() - t0:.1f} s)")
    ok('data-state="compared"' in body, "the page ran the branch from its URL and shows the comparison", body)
    ok('id="comparison"' in dom, "the outcome comparison table is on the page")
    ok(dom.count("<svg") >= 2, "two swimlanes, as run and with the branch", f"{dom.count('<svg')} svg")
    ok("timelines part" in dom or "do not part" in dom, "the divergence is reported")

    # A misspelt lever in the URL: the page shows the server's message and its hint.
    query = urllib.parse.urlencode([("scenario", SCENARIO), ("date", DATE), ("set", "front_door.thresholds.refferal=2"),
                                    ("run", "1")])
    body = body_tag(browse(chromium, tmp, ["--dump-dom"], f"{base}/?{query}").stdout)
    ok('data-state="error"' in body and "did you mean" in body, "a bad lever in the URL ends in data-state=error",
       body)

    if os.path.exists(SHOT):
        os.remove(SHOT)
    for attempt in (1, 2):
        r = browse(chromium, tmp, [f"--screenshot={SHOT}"], url)
        if os.path.exists(SHOT) and os.path.getsize(SHOT) > 0:
            break
        print(f"# chromium screenshot attempt {attempt} gave nothing: {r.stderr.strip()[-300:]}")
    try:
        import matplotlib.image as img
        px = img.imread(SHOT)
        # A blank page is one colour; the page has a header bar, levers, charts and a table.
        ok(px.std() > 0.05 and px.shape[0] >= 1000, f"the screenshot shows a page ({SHOT}, {os.path.getsize(SHOT)} bytes)",
           f"std {px.std():.3f}, {px.shape}")
    except (OSError, ValueError, SyntaxError) as e:
        ok(False, "the screenshot is there", str(e))


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("not ok - chromium is not installed (./setup.sh installs Debian's chromium)")
        return 1
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = tempfile.mkdtemp(prefix="sgsim-serve-test.")
    log_out, log_err = open(os.path.join(tmp, "serve.out"), "w+"), open(os.path.join(tmp, "serve.err"), "w+")
    server = subprocess.Popen([SGSIM, "serve", "--port", str(port), "--scenarios", os.path.join(SRC, "scenarios"),
                               *SMALL], stdout=log_out, stderr=log_err)
    start = time.monotonic()
    try:
        while time.monotonic() - start < 30:
            if server.poll() is not None:
                break
            try:
                if request(base, "/api/scenarios")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        up = server.poll() is None
        ok(up, f"sgsim serve listens on port {port} ({time.monotonic() - start:.1f} s)",
           open(log_err.name).read()[-500:])
        if not up:
            return 1
        printed = open(log_out.name).read()
        ok(f"http://127.0.0.1:{port}/" in printed and "only this machine" in printed,
           "it prints its URL and that it listens on this machine only", printed)
        check_api(base)
        check_page(base, chromium, tmp)
        ok(server.poll() is None, "the server is still running at the end", open(log_err.name).read()[-500:])
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"# {time.monotonic() - start:.1f} s in all")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
