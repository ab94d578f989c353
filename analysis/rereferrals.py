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

import numpy as np

from analysis.runfile import RunFileError, open_run

# How the statuses read in the table (the model's own names come from the run file).
LABEL = {"no_case": "closed", "early_help": "early help", "assessment": "assessment",
         "child_in_need": "child-in-need plan", "protection_enquiry": "section 47 enquiry",
         "protection_plan": "protection plan", "looked_after": "looked after"}


def outcome(statuses):
    """How a referral ended, from the statuses (names) the child passed through before its next referral."""
    if not statuses:
        return "no further action"
    if statuses[0] == "assessment":  # an assessment, then what it led to
        if len(statuses) == 1:
            return "assessment still open"
        return {"no_case": "not in need", "early_help": "not in need (early help)"}.get(
            statuses[1], LABEL.get(statuses[1], "other"))
    return LABEL.get(statuses[0], "other") + " (without assessment)"


def table(run_file, scenario=None):
    """Referrals from start_date on (the log also holds the burn-in's) with a year to follow."""
    with open_run(run_file) as run:
        name = scenario or run.scenarios[0]
        ev = run.events(name)
        kinds = {k: i for i, k in enumerate(run.event_kinds(name))}
        status_names = run.event_codes(name)["status"]
    ev = ev[np.isin(ev["kind"], [kinds["referral"], kinds["status"]])]
    ev = ev[np.lexsort((ev["day"], ev["child"], ev["replicate"]))]
    last_day = int(ev["day"].max())
    timelines = collections.defaultdict(list)
    for e in ev:
        timelines[(int(e["replicate"]), int(e["child"]))].append((int(e["day"]), int(e["kind"]), int(e["detail"])))
    n, again = collections.Counter(), collections.Counter()
    for tl in timelines.values():
        refs = [i for i, t in enumerate(tl) if t[1] == kinds["referral"]]
        for j, i in enumerate(refs):
            if tl[i][0] < 0 or tl[i][0] > last_day - 365:
                continue  # in the burn-in, or no full year of follow-up
            stop = refs[j + 1] if j + 1 < len(refs) else len(tl)
            o = outcome([status_names[t[2]] for t in tl[i + 1:stop] if t[1] == kinds["status"]])
            n[o] += 1
            # The next referral's detail says whether it came within 12 months.
            again[o] += j + 1 < len(refs) and tl[refs[j + 1]][2] == 1
    return n, again


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_file")
    ap.add_argument("--scenario", default=None)
    args = ap.parse_args(argv)
    try:
        n, again = table(args.run_file, args.scenario)
    except RunFileError as e:
        print(f"analysis.rereferrals: error: {e}", file=sys.stderr)
        return 1
    total = sum(n.values())
    print(f"{'earlier referral ended in':34}{'share':>8}{'re-referred in 12 months':>26}")
    for o, k in n.most_common():
        print(f"{o:34}{k / total:8.1%}{again[o] / k:26.1%}")
    print(f"{'all':34}{1:8.1%}{sum(again.values()) / total:26.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
