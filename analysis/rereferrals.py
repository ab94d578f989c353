"""Re-referrals within 12 months, by what the earlier referral led to.

    build/sgsim run scenarios/england.yaml --scale 0.01 -r 1 --events -o ev.h5
    /usr/bin/python3 -m analysis.rereferrals ev.h5

Reads the event log (`referral` and `status` events, docs/output.md) and, for
each referral with a full year of follow-up inside the run, finds how it ended
(no further action, not in need after assessment, a child-in-need plan, a
section 47 enquiry, ...) and whether the child was referred again within 365
days. Used in docs/calibration.md to explain the re-referral row.
"""
import argparse
import collections
import sys

import h5py
import numpy as np

STATUS = {0: "closed", 1: "early help", 2: "assessment", 3: "child-in-need plan", 4: "section 47 enquiry",
          5: "protection plan"}


def outcome(statuses):
    """How a referral ended, from the statuses the child passed through before its next referral."""
    if not statuses:
        return "no further action"
    if statuses[0] == 2:  # an assessment, then what it led to
        if len(statuses) == 1:
            return "assessment still open"
        return {0: "not in need", 1: "not in need (early help)"}.get(statuses[1], STATUS.get(statuses[1], "other"))
    return STATUS.get(statuses[0], "other") + " (without assessment)"


def table(run_file, scenario=None):
    with h5py.File(run_file, "r") as f:
        name = scenario or list(f["scenarios"])[0]
        g = f["scenarios"][name]
        if "events" not in g:
            sys.exit(f"{run_file}: no event log (run with --events)")
        ev = g["events"][:]
        kinds = [k.decode() if isinstance(k, bytes) else str(k) for k in g["event_kinds"][:]]
    kind = {k: i for i, k in enumerate(kinds)}
    keep = np.isin(ev["kind"], [kind["referral"], kind["status"]])
    ev = ev[keep]
    ev = ev[np.lexsort((ev["day"], ev["child"], ev["replicate"]))]
    last_day = int(ev["day"].max())
    timelines = collections.defaultdict(list)
    for e in ev:
        timelines[(int(e["replicate"]), int(e["child"]))].append((int(e["day"]), int(e["kind"]), int(e["detail"])))
    n, again = collections.Counter(), collections.Counter()
    for tl in timelines.values():
        refs = [i for i, t in enumerate(tl) if t[1] == kind["referral"]]
        for j, i in enumerate(refs):
            if tl[i][0] > last_day - 365:
                continue  # no full year of follow-up
            stop = refs[j + 1] if j + 1 < len(refs) else len(tl)
            o = outcome([t[2] for t in tl[i + 1:stop] if t[1] == kind["status"]])
            n[o] += 1
            again[o] += j + 1 < len(refs) and tl[refs[j + 1]][0] - tl[i][0] <= 365
    return n, again


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_file")
    ap.add_argument("--scenario", default=None)
    args = ap.parse_args(argv)
    n, again = table(args.run_file, args.scenario)
    total = sum(n.values())
    print(f"{'earlier referral ended in':34}{'share':>8}{'re-referred in 12 months':>26}")
    for o, k in n.most_common():
        print(f"{o:34}{k / total:8.1%}{again[o] / k:26.1%}")
    print(f"{'all':34}{1:8.1%}{sum(again.values()) / total:26.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
