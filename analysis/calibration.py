"""Simulated against target for the England calibration table (DESIGN.md §8).

    /usr/bin/python3 -m analysis.calibration OUT.h5 [--scenario NAME]

Rates are per 10,000 children over the measurement window (the last
`measure_days` of the run); stocks are their mean over the window (the
published figures are 31 March snapshots, which a stationary model matches on
average). Prints a table and exits 1 if any target is missed by more than 10%.
"""
import argparse
import sys

import h5py
import numpy as np

# (label, numerator metric, kind, target, denominator metric or None)
#   kind "rate10k": flow per 10,000 children per year; "stock10k": mean stock per
#   10,000; "share": flow numerator / flow denominator; "value": mean of a stock.
TARGETS = [
    ("referrals per 10k", "referrals", "rate10k", 530.0, None),
    ("re-referrals within 12 months (share)", "rereferrals_12m", "share", 0.226, "referrals"),
    ("referrals ending in NFA (share)", "referrals_nfa", "share", 0.065, "referrals"),
    ("assessments not in need (share of referrals)", "assessments_not_in_need", "share", 0.30, "referrals"),
    ("s47 enquiries per 10k", "s47_enquiries", "rate10k", 190.0, None),
    ("initial conferences per 10k", "icpcs", "rate10k", 60.0, None),
    ("CP plans starting per 10k", "cp_plan_starts", "rate10k", 51.0, None),
    ("CP plans open per 10k", "cp_plans_open", "stock10k", 40.0, None),
    ("children in need per 10k", "cin_open", "stock10k", 333.0, None),
    ("caseload per worker", "caseload_mean", "value", 16.0, None),
    ("worker turnover (per year)", "worker_leavers", "turnover", 0.14, "social_workers"),
    ("agency share of workers", "agency_workers", "stockshare", 0.18, "social_workers"),
]


def measure(group, metric, kind, denominator):
    ts = group["timeseries"]
    window = int(group.attrs["measure_days"])
    last = lambda name: ts[name][:, -window:]
    pop = last("population").mean(axis=1)
    years = window / 365.25
    if kind == "rate10k":
        v = last(metric).sum(axis=1) / years / pop * 1e4
    elif kind == "stock10k":
        v = last(metric).mean(axis=1) / pop * 1e4
    elif kind == "share":
        v = last(metric).sum(axis=1) / np.maximum(last(denominator).sum(axis=1), 1)
    elif kind == "turnover":
        v = last(metric).sum(axis=1) / years / np.maximum(last(denominator).mean(axis=1), 1)
    elif kind == "stockshare":
        v = last(metric).mean(axis=1) / np.maximum(last(denominator).mean(axis=1), 1)
    else:
        v = last(metric).mean(axis=1)
    return float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_file")
    ap.add_argument("--scenario", default=None)
    args = ap.parse_args(argv)
    with h5py.File(args.run_file, "r") as f:
        names = list(f["scenarios"])
        name = args.scenario or names[0]
        g = f["scenarios"][name]
        missed = 0
        print(f"{'measure':48}{'simulated':>12}{'sd':>8}{'target':>10}{'diff':>8}")
        for label, metric, kind, target, den in TARGETS:
            mean, sd = measure(g, metric, kind, den)
            diff = (mean - target) / target
            flag = "" if abs(diff) <= 0.10 else "  <-- outside ±10%"
            missed += bool(flag)
            print(f"{label:48}{mean:12.3f}{sd:8.3f}{target:10.3f}{diff:+8.1%}{flag}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
