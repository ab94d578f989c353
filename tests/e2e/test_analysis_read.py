#!/usr/bin/python3
"""The Python reader (analysis/runfile.py) against a real sgsim run file.

    /usr/bin/python3 tests/e2e/test_analysis_read.py PATH-TO-SGSIM SOURCE-DIR

Run by CTest as analysis.read_run_file (tests/CMakeLists.txt). Runs sgsim on
scenarios/england.yaml at a small scale into a temporary directory, reads the
file with analysis.runfile, and checks what a report would rely on: shapes,
that the summaries are what the layout says they are, dates, metadata, the
handling of an incomplete file, and the `python3 -m analysis.runfile` table.
Prints "ok - ..." / "not ok - ..." per check; exits 1 if any failed.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import traceback
import warnings

if len(sys.argv) != 3:
    sys.exit(f"usage: {sys.argv[0]} PATH-TO-SGSIM SOURCE-DIR")
SGSIM = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, SRC)

import h5py  # noqa: E402
import numpy as np  # noqa: E402

from analysis.runfile import IncompleteRunError, RunFileError, open_run  # noqa: E402

ENGLAND = os.path.join(SRC, "scenarios", "england.yaml")
# 400 days so that the 365-day measurement window is shorter than the run.
DAYS, REPLICATES, SCALE, SEED = 400, 3, 0.002, 4242

failures = []


def check(desc, cond, detail=""):
    if cond:
        print(f"ok - {desc}")
    else:
        print(f"not ok - {desc}")
        if detail:
            for line in str(detail).splitlines():
                print(f"#   {line}")
        failures.append(desc)
    return cond


def rel_close(a, b, rtol=1e-9):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.all(np.abs(a - b) <= rtol * np.maximum(np.abs(b), 1e-300)))


def run(cmd, **kw):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, **kw)


def main(tmp):
    out = os.path.join(tmp, "england.h5")
    p = run([SGSIM, "run", ENGLAND, "-o", out, "--scale", str(SCALE), "-r", str(REPLICATES),
             "--seed", str(SEED), "--set", f"run.days={DAYS}",
             # No burn-in, so that child_days (which counts burn-in days too) can be
             # checked against the population series.
             "--set", "run.burn_in_days=0"])
    if not check("sgsim run england.yaml (small) exits 0", p.returncode == 0,
                 f"exit {p.returncode}\n{p.stderr}"):
        return
    check("the run file exists", os.path.isfile(out))

    with open_run(out) as r:
        check("complete is True", r.complete is True, repr(r.complete))
        check("provenance is a dict of the root attributes",
              isinstance(r.provenance, dict) and r.provenance.get("program") == "sgsim"
              and r.provenance.get("complete") == 1 and "command_line" in r.provenance,
              r.provenance)
        check("provenance values are plain Python values",
              all(isinstance(v, (str, int, float, list)) for v in r.provenance.values()),
              {k: type(v).__name__ for k, v in r.provenance.items()})
        check("scenarios == ['england']", r.scenarios == ["england"], r.scenarios)
        s = "england"
        attrs = r.scenario_attrs(s)
        check("scenario attributes: days, replicates, seed, start_date",
              attrs.get("days") == DAYS and attrs.get("replicates") == REPLICATES
              and attrs.get("seed") == SEED and attrs.get("start_date") == "2024-04-01", attrs)

        metrics = {m.name: m for m in r.metrics(s)}
        check("metrics() lists population and births, not the day index",
              "population" in metrics and "births" in metrics and "day" not in metrics, sorted(metrics))
        check("population is a stock and births a flow",
              metrics["population"].kind == "stock" and metrics["births"].kind == "flow",
              (metrics["population"], metrics["births"]))
        check("every metric has a unit, a meaning and a kind of flow or stock",
              all(m.unit and m.meaning and m.kind in ("flow", "stock") for m in metrics.values()),
              [m for m in metrics.values() if not (m.unit and m.meaning and m.kind in ("flow", "stock"))])
        check("summary units: a stock in its own unit, a flow per year",
              metrics["population"].summary_unit == "children"
              and metrics["births"].summary_unit == "children per year",
              (metrics["population"].summary_unit, metrics["births"].summary_unit))
        check("time-series units: a flow per day",
              metrics["births"].unit == "children per day", metrics["births"].unit)
        # A stock is a level at the end of each day, not a rate.
        bad = {m.name: m.unit for m in metrics.values() if m.kind == "stock" and "per day" in m.unit}
        check("time-series units: a stock is not 'per day' (population is in children)", not bad, bad)

        pop = r.timeseries(s, "population")
        births = r.timeseries(s, "births")
        check(f"timeseries shape is [replicates x days] = [{REPLICATES} x {DAYS}]",
              pop.shape == (REPLICATES, DAYS) and births.shape == (REPLICATES, DAYS), (pop.shape, births.shape))
        check("timeseries is float64", pop.dtype == np.float64, pop.dtype)
        check("population series is positive on every day of every replicate", bool(np.all(pop > 0)),
              f"min {pop.min()}")
        scale_children = 12_000_000 * SCALE
        check("population is near the scaled 12 million children",
              bool(np.all(np.abs(pop[:, 0] / scale_children - 1) < 0.1)), pop[:, 0])
        check("births are non-negative whole numbers",
              bool(np.all(births >= 0) and np.all(births == np.round(births))), births[:, :10])
        check("replicates differ (independent random streams)", not np.array_equal(pop[0], pop[1]))

        md = r.measure_days(s)
        check("measure_days is the default 365 (shorter than the run)", md == 365, md)
        sp = r.summary(s, "population")
        check(f"summary shape is [replicates] = [{REPLICATES}]", sp.shape == (REPLICATES,), sp.shape)
        want = pop[:, -md:].mean(axis=1)
        check("summary(population) == mean of the last measure_days days (rel 1e-9)", rel_close(sp, want),
              f"summary {sp}\nexpected {want}")
        sb = r.summary(s, "births")
        want = births[:, -md:].sum(axis=1) * 365.25 / md
        check("summary(births) == sum of the last measure_days days x 365.25 / measure_days (rel 1e-9)",
              rel_close(sb, want), f"summary {sb}\nexpected {want}")
        bad = []
        for m in metrics.values():
            x = r.timeseries(s, m.name)[:, -md:]
            w = x.sum(axis=1) * 365.25 / md if m.kind == "flow" else x.mean(axis=1)
            if not rel_close(r.summary(s, m.name), w) and not np.allclose(r.summary(s, m.name), w, atol=1e-12):
                bad.append(m.name)
        check("every metric's summary follows its kind (flow: per year, stock: mean)", not bad, bad)
        cd = r.summary(s, "child_days")
        check("summary has child_days (one per replicate, about the population x days)",
              cd.shape == (REPLICATES,) and bool(np.all(np.abs(cd / pop.sum(axis=1) - 1) < 0.05)),
              f"child_days {cd}, population-days {pop.sum(axis=1)}")

        d = r.dates(s)
        check("dates() is datetime64[D]", d.dtype == np.dtype("datetime64[D]"), d.dtype)
        check("dates() starts at start_date 2024-04-01", len(d) > 0 and d[0] == np.datetime64("2024-04-01"),
              d[:3])
        check(f"dates() has one date per day ({DAYS}), consecutive",
              len(d) == DAYS and bool(np.all(np.diff(d) == np.timedelta64(1, "D"))), len(d))
        check("dates() ends start_date + days - 1", d[-1] == np.datetime64("2024-04-01") + (DAYS - 1), d[-1])

        y = r.resolved_scenario(s)
        check("resolved_scenario is YAML text naming the scenario and the run settings",
              isinstance(y, str) and "name: england" in y and f"days: {DAYS}" in y
              and f"seed: {SEED}" in y and "population:" in y, y[:400])
        ypath = os.path.join(tmp, "resolved.yaml")
        with open(ypath, "w") as f:
            f.write(y)
        p = run([SGSIM, "validate", ypath])
        check("sgsim validate accepts the stored resolved scenario", p.returncode == 0, p.stderr)

        try:
            r.timeseries(s, "populaton")
            ok, msg = False, "no error"
        except RunFileError as e:
            ok, msg = "population" in str(e), str(e)
        check("an unknown metric raises RunFileError suggesting the nearest name", ok, msg)
        try:
            r.summary("englnd", "population")
            ok, msg = False, "no error"
        except RunFileError as e:
            ok, msg = "england" in str(e), str(e)
        check("an unknown scenario raises RunFileError suggesting the nearest name", ok, msg)

    # The module as a command.
    p = run([sys.executable, "-m", "analysis.runfile", out], cwd=SRC)
    check("python3 -m analysis.runfile exits 0", p.returncode == 0, f"exit {p.returncode}\n{p.stderr}")
    check("... and prints population in its table", "population" in p.stdout, p.stdout)
    check("... and nothing on stderr", p.stderr == "", p.stderr)
    line = next((ln for ln in p.stdout.splitlines() if ln.split()[:2] == ["england", "population"]), "")
    with open_run(out) as r:
        mean_pop = float(np.mean(r.summary("england", "population")))
    try:
        shown = float(line.split()[2].replace(",", ""))
    except (IndexError, ValueError):
        shown = float("nan")
    check("... and the population row shows the mean summary over replicates with its unit",
          abs(shown - mean_pop) <= 0.05 + 1e-6 * mean_pop and line.rstrip().endswith("children"),
          f"row {line!r}, mean {mean_pop}")

    # An incomplete file (as if the writer had died before the end).
    bad = os.path.join(tmp, "incomplete.h5")
    shutil.copyfile(out, bad)
    with h5py.File(bad, "r+") as f:
        f.attrs["complete"] = np.int64(0)
    try:
        open_run(bad).close()
        ok, msg = False, "opened without error"
    except IncompleteRunError as e:
        ok, msg = "incomplete" in str(e), str(e)
    check("open_run on an incomplete file raises IncompleteRunError", ok, msg)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with open_run(bad, allow_incomplete=True) as r:
            check("open_run(allow_incomplete=True) reads it with complete False",
                  r.complete is False and r.timeseries("england", "population").shape == (REPLICATES, DAYS))
    check("... and warns that it is incomplete",
          any("incomplete" in str(w.message) for w in caught), [str(w.message) for w in caught])
    p = run([sys.executable, "-m", "analysis.runfile", bad], cwd=SRC)
    check("python3 -m analysis.runfile on an incomplete file exits non-zero, saying so",
          p.returncode != 0 and "incomplete" in p.stderr, f"exit {p.returncode}\n{p.stderr}")

    try:
        open_run(os.path.join(tmp, "missing.h5"))
        ok, msg = False, "no error"
    except RunFileError as e:
        ok, msg = "missing.h5" in str(e), str(e)
    check("open_run on a missing file raises RunFileError naming it", ok, msg)


if __name__ == "__main__":
    tmp = tempfile.mkdtemp(prefix="sgsim-analysis.")
    try:
        main(tmp)
    except Exception:
        print("not ok - unexpected error")
        traceback.print_exc(file=sys.stdout)
        failures.append("unexpected error")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"# {len(failures)} check(s) FAILED: " + "; ".join(failures))
        sys.exit(1)
    print("# all checks passed")
