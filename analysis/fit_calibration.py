"""Fit the front-door parameters of a scenario to the DESIGN.md §8 table.

    /usr/bin/python3 -m analysis.fit_calibration [scenarios/england.yaml] [--scale 0.01]
        [--sgsim build/sgsim] [--tolerance 0.03] [--max-runs 150] [--sequential SWEEPS]
        [--set PATH=VALUE ...]

The fitted knobs are listed in KNOBS below (the front-door and child-protection
thresholds, one as a margin and one as a ratio over the threshold before it, the
child-in-need quiet spell, the rate of police domestic abuse notifications, two
workforce rates, and the care knobs: entry thresholds and rates, return home,
kinship and the supply of each placement type); every other parameter keeps its
value. Rows in NOT_FITTED are reported but not in the objective. The objective is the
vector log(simulated / target) over every row of analysis.calibration.TARGETS,
minimised by scipy's least_squares (trust-region reflective) over the log of
each knob, with a finite-difference Jacobian of 5% steps. Every run uses the
scenario's seed, so the objective is deterministic (common random numbers
between evaluations). It stops when every row is within `--tolerance` in log
terms (0.03 ≈ 3%), leaving room for replicate noise inside the ±10% band.
With --sequential, each knob group is first moved against its own row
(SEQUENTIAL, fit_sequential) before least squares: from far off, after a change
that moves every flow, least squares over every knob at once creeps.

It prints the best values as a `set:` block and their calibration table.
Nothing is written into the repository: the values are copied by hand into the
registry defaults, each marked as fitted (docs/calibration.md).
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import yaml  # python3-yaml: the resolved scenario is YAML
from scipy.optimize import least_squares  # python3-scipy

from analysis.calibration import TARGETS, evaluate

# The knobs, each a parameter path, "path-base" (a margin: path = base +
# margin) or "path/base" (a ratio: path = base × ratio). A referral ends in no
# further action only between the referral and assessment thresholds, so that
# gap is fitted as a margin; the plan threshold is fitted relative to the
# conference threshold (it may sit below it: each decision reads the estimate
# through its own judgement, casework.threshold_sd). Each knob is listed with the
# target it moves most directly (a threshold and the flow it gates); the fit
# moves them all at once against every target.
KNOBS = [
    ("front_door.thresholds.referral", "referrals per 10k"),
    ("front_door.thresholds.assessment-front_door.thresholds.referral", "referrals ending in NFA (share)"),
    ("front_door.thresholds.in_need", "assessments not in need (share of referrals)"),
    ("front_door.thresholds.strategy", "s47 enquiries per 10k"),
    ("child_protection.thresholds.conference", "initial conferences per 10k"),
    ("child_protection.thresholds.plan/child_protection.thresholds.conference", "CP plans starting per 10k"),
    ("child_protection.thresholds.step_down", "CP plans open per 10k"),
    ("casework.child_in_need.quiet_days", "children in need per 10k"),
    ("agencies.police.domestic_abuse_notifications", "re-referrals within 12 months (share)"),
    ("workforce.turnover", "worker turnover (per year)"),
    ("workforce.recruitment_days", "agency share of workers"),
    ("care.thresholds.s20", "children starting to be looked after per 10k"),
    ("care.thresholds.proceedings", "children starting to be looked after per 10k"),
    ("care.adolescent.crisis_rate", "children starting to be looked after per 10k"),
    ("care.return_home.s20", "children looked after per 10k"),
    ("care.return_home.care_order", "children looked after per 10k"),
    ("care.return_home.with_parents_days", "placed with parents (share)"),
    ("care.kinship.available", "placed kinship (share)"),
    ("care.placement.in_house_foster.places_per_10k", "placed in-house foster (share)"),
    ("care.placement.ifa_foster.places_per_10k", "placed agency foster (share)"),
    ("care.placement.private_home.places_per_10k", "placed children's homes (share)"),
    ("care.placement.supported.places_per_10k", "placed supported accommodation (share)"),
    ("care.move_on_from_foster", "placed supported accommodation (share)"),
]
# Rows the knobs do not set: the weekly costs are the unit costs themselves
# (they check the ledger), and the secure share is a handful of children at 1%.
NOT_FITTED = {"placed secure (share)"} | {label for label, _, kind, *_ in TARGETS if kind.startswith("weekly:")}
# The section 47 threshold moves with the strategy threshold: DfE publishes
# enquiries, not strategy discussions, so one knob sets both (each decision still
# reads the estimate through its own judgement, so not every discussion leads to
# an enquiry).
TIED = {"child_protection.thresholds.s47": "front_door.thresholds.strategy"}
UPPER = {"workforce.recruitment_days": 1000.0, "casework.child_in_need.quiet_days": 730.0,
         "care.return_home.s20": 1.0, "care.return_home.care_order": 1.0, "care.kinship.available": 1.0,
         "care.return_home.with_parents_days": 3000.0, "care.adolescent.crisis_rate": 1.0,
         "care.move_on_from_foster": 1.0}


THRESHOLD_MAX = 50.0  # no knob beyond 50 (concern points) unless UPPER says otherwise
LOWER = 1e-3          # nor below this


def upper(knob):
    return UPPER.get(knob, THRESHOLD_MAX)


def log_gap(rows, label):
    """log(simulated / target) of one row: what both searches drive to zero."""
    return math.log(max(rows[label]["simulated"], 1e-9) / rows[label]["target"])


def parameters(knobs):
    """Parameter values from knob values (margins added, tied paths copied)."""
    out = {k: v for k, v in knobs.items() if "-" not in k and "/" not in k}
    for k, v in knobs.items():
        if "-" not in k and "/" not in k:
            continue
        path, base = k.split("-" if "-" in k else "/")
        if base not in out:
            sys.exit(f"fit_calibration: knob {k} is set relative to {base}; include {base} in --knobs")
        out[path] = out[base] + v if "-" in k else out[base] * v
    for path, source in TIED.items():
        if source in out:
            out[path] = out[source]
    return out


class Model:
    def __init__(self, sgsim, scenario, scale, replicates, extra):
        self.sgsim, self.scenario, self.scale, self.replicates, self.extra = sgsim, scenario, scale, replicates, extra
        self.runs = 0
        self._tmp = tempfile.TemporaryDirectory(prefix="sgsim-fit-")  # removed with the model
        self.tmp = self._tmp.name

    def rows(self, values):
        out = os.path.join(self.tmp, f"run{self.runs}.h5")
        self.runs += 1
        cmd = [self.sgsim, "run", self.scenario, "--scale", str(self.scale), "-r", str(self.replicates), "-o", out]
        for path, v in {**self.extra, **parameters(values)}.items():
            cmd += ["--set", f"{path}={v:.6g}"]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with h5py.File(out, "r") as f:
            g = f["scenarios"][list(f["scenarios"])[0]]
            rows, _ = evaluate(g)
        os.remove(out)
        return {r["label"]: r for r in rows}


def resolved_value(sgsim, scenario, path):
    text = subprocess.run([sgsim, "validate", "--resolved", scenario], check=True, capture_output=True,
                          text=True).stdout
    node = yaml.safe_load(text)
    for key in path.split("."):
        node = node[key]
    return float(node)


def fit(model, values, tolerance, max_runs):
    """Least squares on log(simulated / target) over the log of every knob."""
    names = [k for k, _ in KNOBS]
    labels = [label for label, *_ in TARGETS if label not in NOT_FITTED]
    best = {"cost": math.inf}

    def residuals(z):
        trial = dict(zip(names, np.exp(z)))
        rows = model.rows(trial)
        r = np.array([log_gap(rows, l) for l in labels])
        cost = float(np.max(np.abs(r)))
        if cost < best["cost"]:
            best.update(cost=cost, values=trial, rows=rows)
            print(f"run {model.runs}: worst |log(sim/target)| = {cost:.3f}; gaps "
                  + " ".join(f"{x:+.2f}" for x in r), file=sys.stderr)
            print("  " + " ".join(f"--set {p}={v:.4g}" for p, v in parameters(trial).items()), file=sys.stderr)
        if cost <= tolerance:
            raise Converged()
        return r

    z0 = np.log([values[n] for n in names])
    top = np.array([math.log(upper(n)) for n in names])
    z0 = np.minimum(z0, top - 1e-6)
    try:  # Ctrl-C stops the search and keeps the best point so far
        least_squares(residuals, z0, bounds=(np.full(len(names), math.log(LOWER)), top), diff_step=0.05,
                      x_scale=1.0, max_nfev=max_runs)
    except (Converged, KeyboardInterrupt):
        pass
    return best["values"], best["rows"]


class Converged(Exception):
    pass


# The sequential fit (--sequential): each group of knobs against the one target
# row it gates, in KNOBS' order (the order a child passes through the system);
# the knobs KNOBS lists against the same row form a group and move by the same
# factor, except the ones held here, whose rows are set by the thresholds and
# the supply beside them.
SEQUENTIAL_HELD = {"care.adolescent.crisis_rate", "care.move_on_from_foster"}


def sequential_groups(knobs):
    groups = {}
    for knob, label in knobs:
        if knob not in SEQUENTIAL_HELD:
            groups.setdefault(label, []).append(knob)
    return [(group, label) for label, group in groups.items()]


SEQUENTIAL = sequential_groups(KNOBS)
SECANT_FIRST_STEP = 0.05  # log factor of the first trial of each group (5%, as the Jacobian's step)
SECANT_MAX_STEP = 0.7     # the most one secant step moves a group, in log terms (a factor of 2)
SECANT_STEPS = 3          # secant steps per group per sweep after the first trial


def fit_sequential(model, values, tolerance, sweeps):
    """Gauss-Seidel over SEQUENTIAL: each group moved by secant steps in log space
    until its row is within `tolerance`, and the list swept again. From far off
    (a change that moves every flow by a half) it gets close in a few sweeps where
    least squares over every knob at once creeps; least squares can polish after."""
    worst_of = lambda rows: max(abs(log_gap(rows, l)) for _, l in SEQUENTIAL)
    rows = model.rows(values)
    kept = (worst_of(rows), values, rows)  # a sweep can move away: keep the best
    for sweep in range(sweeps):
        for knobs, label in SEQUENTIAL:
            knobs = [k for k in knobs if k in values]
            r0 = log_gap(rows, label)
            if not knobs or abs(r0) <= tolerance:
                continue
            base = dict(values)
            at = lambda f: {**base, **{k: min(max(base[k] * math.exp(f), LOWER), upper(k))
                                       for k in knobs}}
            best = (abs(r0), rows, base)
            f0, f1 = 0.0, SECANT_FIRST_STEP
            trial = at(f1)
            rows1 = model.rows(trial)
            r1 = log_gap(rows1, label)
            if abs(r1) < best[0]:
                best = (abs(r1), rows1, trial)
            for _ in range(SECANT_STEPS):
                if abs(r1) <= tolerance or abs(r1 - r0) < 1e-6:
                    break
                f2 = f1 - r1 * (f1 - f0) / (r1 - r0)
                f2 = max(min(f2, f1 + SECANT_MAX_STEP), f1 - SECANT_MAX_STEP)
                trial = at(f2)
                rows2 = model.rows(trial)
                r2 = log_gap(rows2, label)
                if abs(r2) < best[0]:
                    best = (abs(r2), rows2, trial)
                f0, r0, f1, r1 = f1, r1, f2, r2
            _, rows, values = best
            print(f"run {model.runs}: {knobs[0]} -> {label} {log_gap(rows, label):+.3f}; worst "
                  f"{worst_of(rows):.3f}", file=sys.stderr)
        worst = worst_of(rows)
        if worst < kept[0]:
            kept = (worst, values, rows)
        print(f"sweep {sweep + 1}: worst {worst:.3f}\n  "
              + " ".join(f"--set {p}={v:.4g}" for p, v in parameters(values).items()), file=sys.stderr)
        if worst <= tolerance:
            break
    return kept[1], kept[2]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="scenarios/england.yaml")
    ap.add_argument("--sgsim", default="build/sgsim")
    ap.add_argument("--scale", type=float, default=0.01)
    ap.add_argument("-r", "--replicates", type=int, default=1)
    ap.add_argument("--tolerance", type=float, default=0.03, help="stop when every |log(sim/target)| is below this")
    ap.add_argument("--max-runs", type=int, default=150, help="most evaluations of the least-squares objective")
    ap.add_argument("--knobs", default="", metavar="PREFIX,...",
                    help="fit only the knobs whose path starts with one of these prefixes (the others keep their values)")
    ap.add_argument("--sequential", type=int, default=0, metavar="SWEEPS",
                    help="first fit each knob group to its own row, sweeping the list up to SWEEPS times "
                         "(SEQUENTIAL), then least squares from there (--max-runs 0 skips it)")
    ap.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                    help="hold a parameter at a value during the fit (for a fitted one: start from it)")
    args = ap.parse_args(argv)
    if args.max_runs <= 0 and not args.sequential:
        ap.error("--max-runs 0 leaves nothing to run without --sequential")
    if args.knobs:
        prefixes = tuple(args.knobs.split(","))
        KNOBS[:] = [(k, label) for k, label in KNOBS if k.startswith(prefixes)]
    extra = {}
    for item in args.set:
        path, _, value = item.partition("=")
        extra[path] = float(value)
    current = lambda p: extra[p] if p in extra else resolved_value(args.sgsim, args.scenario, p)
    values = {}
    for knob, _ in KNOBS:
        if "-" in knob:
            path, base = knob.split("-")
            values[knob] = max(current(path) - current(base), 0.01)
        elif "/" in knob:
            path, base = knob.split("/")
            values[knob] = current(path) / current(base)
        else:
            values[knob] = current(knob)
    for p in parameters(values):
        extra.pop(p, None)  # a fitted parameter given with --set is a starting value, not held
    model = Model(args.sgsim, args.scenario, args.scale, args.replicates, extra)
    if args.sequential:
        values, rows = fit_sequential(model, values, args.tolerance, args.sequential)
    if args.max_runs > 0:  # without --sequential it is positive (checked above)
        values, rows = fit(model, values, args.tolerance, args.max_runs)
    print(f"# fitted in {model.runs} runs of {args.scenario} at --scale {args.scale}, "
          f"{args.replicates} replicate(s)")
    print("set:")
    for path, v in {**extra, **parameters(values)}.items():
        print(f"  {path}: {v:.4g}")
    print()
    missed = 0
    for label, *_ in TARGETS:
        r = rows[label]
        flag = "" if r["within"] else "  <-- outside ±10%"
        missed += not r["within"]
        print(f"# {label:46}{r['simulated']:10.3f}{r['target']:10.3f}{r['diff']:+8.1%}{flag}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
