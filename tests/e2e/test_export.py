#!/usr/bin/python3
"""`sgsim export` against a real comparison run.

    /usr/bin/python3 tests/e2e/test_export.py PATH-TO-SGSIM SOURCE-DIR

Run by CTest as analysis.export (tests/CMakeLists.txt). Runs `sgsim compare` of
England against a higher-threshold variant at a small scale with the event log
(after a one-year burn-in, whose events the log keeps), then checks that:
- the long CSV round-trips every number of the HDF5 file exactly (time series,
  summaries, headlines);
- the SSDA903 episodes are well formed (codes from DfE's lists, each child's
  episodes back to back, X1 only between episodes) and agree with the model:
  the episodes open on each day equal `cla_open` (so children looked after
  before start_date are complete too), and the episodes starting care (RNE S)
  on or after start_date equal `cla_starts`;
- the CIN census plans agree with `cp_plan_starts`, and referrals with
  `referrals`; every closed episode has its closure date, and no child has two
  open episodes;
- existing files are not overwritten without --force, and a run without an event
  log gets a clear error.
Prints "ok - ..." / "not ok - ..." per check; exits 1 if any failed.
"""

import os
import shutil
import subprocess
import sys
import tempfile

if len(sys.argv) != 3:
    sys.exit(f"usage: {sys.argv[0]} PATH-TO-SGSIM SOURCE-DIR")
SGSIM = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
sys.dont_write_bytecode = True
sys.path.insert(0, SRC)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.runfile import open_run  # noqa: E402

failures = []


def check(desc, cond, detail=""):
    print(f"{'ok' if cond else 'not ok'} - {desc}")
    if not cond:
        for line in str(detail).splitlines():
            print(f"#   {line}")
        failures.append(desc)
    return cond


def sgsim(*args, ok=True):
    r = subprocess.run([SGSIM, *args], capture_output=True, text=True)
    if ok and r.returncode != 0:
        raise RuntimeError(f"sgsim {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


tmp = tempfile.mkdtemp(prefix="sgsim-export-")
try:
    england = os.path.join(SRC, "scenarios", "england.yaml")
    variant = os.path.join(tmp, "higher.yaml")
    with open(variant, "w") as f:
        f.write(f"extends: {england}\nname: higher_threshold\nset:\n  front_door.thresholds.referral: 3.0\n")
    h5 = os.path.join(tmp, "c.h5")
    sgsim("compare", england, variant, "-r", "2", "--scale", "0.005", "--set", "run.days=500",
          "--set", "run.burn_in_days=365", "--events", "-o", h5)

    # -- long CSV round trip
    out = os.path.join(tmp, "csv")
    r = sgsim("export", h5, "--csv", out)
    check("export --csv exits 0", r.returncode == 0, r.stderr)
    # pandas' default float parser is fast but not exact; round_trip reads back every double.
    ts = pd.read_csv(os.path.join(out, "timeseries.csv"), float_precision="round_trip")
    summ = pd.read_csv(os.path.join(out, "summary.csv"), float_precision="round_trip")
    heads = pd.read_csv(os.path.join(out, "headlines.csv"), float_precision="round_trip")
    with open_run(h5) as run:
        check("scenarios in the order run (baseline first)", run.scenarios == ["england", "higher_threshold"],
              run.scenarios)
        bad = []
        for s in run.scenarios:
            sub = ts[ts.scenario == s]
            for m in run.metrics(s):
                x = run.timeseries(s, m.name)
                got = sub[sub.metric == m.name].sort_values(["replicate", "day"])["value"].to_numpy()
                if got.shape != x.reshape(-1).shape or not np.array_equal(got, x.reshape(-1)):
                    bad.append(f"timeseries {s}/{m.name}")
                v = run.summary(s, m.name)
                got = summ[(summ.scenario == s) & (summ.metric == m.name)].sort_values("replicate")["value"].to_numpy()
                if not np.array_equal(got, v):
                    bad.append(f"summary {s}/{m.name}")
        for h in run.headlines():
            for k, s in enumerate(h["scenarios"]):
                row = heads[(heads.scenario == s) & (heads.headline == h["name"])]
                for col in ("mean", "ci_low", "ci_high", "difference", "difference_ci_low", "difference_ci_high"):
                    if len(row) != 1 or row[col].iloc[0] != h[col][k]:
                        bad.append(f"headline {s}/{h['name']}/{col}")
        check("CSV round-trips every time series, summary and headline number exactly", not bad, "\n".join(bad[:10]))
        dates = ts[(ts.scenario == "england") & (ts.replicate == 0) & (ts.metric == "population")]["date"]
        check("time series carry calendar dates", dates.iloc[0] == "2024-04-01", dates.iloc[0])

        # -- the headline functions agree with sgsim's
        h = run.headlines()[0]
        v = run.headline_values("england", h)
        check("headline mean in the file = mean of the per-replicate values", np.isclose(h["mean"][0], v.mean()),
              (h["mean"][0], v.mean()))

        # -- SSDA903
        d903 = os.path.join(tmp, "903")
        r = sgsim("export", h5, "--ssda903", d903)
        check("export --ssda903 exits 0", r.returncode == 0, r.stderr)
        start = run.start_date("england")
        cla_open = run.timeseries("england", "cla_open")
        cla_starts = run.timeseries("england", "cla_starts")
        kinds = run.event_kinds("england")
        for rep in range(2):
            ep = pd.read_csv(os.path.join(d903, "england", f"rep{rep}", "episodes.csv"), dtype=str, keep_default_na=False)
            hd = pd.read_csv(os.path.join(d903, "england", f"rep{rep}", "header.csv"), dtype=str, keep_default_na=False)
            # DfE's lists (SSDA903 guidance), written out here rather than taken from the model.
            check(f"rep{rep}: SSDA903 codes come from DfE's lists",
                  set(ep.RNE) <= {"S", "P", "L", "B"} and set(ep.LS) <= {"V2", "L2", "C1", "C2", "E1"}
                  and set(ep.PLACE) <= {"U1", "U4", "K2", "H5", "K1", "P1", "U6", "Z1"}
                  and set(ep.PLACE_PROVIDER) <= {"PR0", "PR1", "PR4", "PR5", ""}
                  and set(ep.REC) <= {"E4A", "E11", "E43", "E17", "E8", "X1", ""}
                  and set(ep.REASON_PLACE_CHANGE) <= {"CREQB", "CARPL", ""},
                  (set(ep.RNE), set(ep.LS), set(ep.PLACE), set(ep.REC)))
            check(f"rep{rep}: every episode's child is in the header with sex 1/2 and a date of birth",
                  set(ep.CHILD) <= set(hd.CHILD) and set(hd.SEX) <= {"1", "2"} and (hd.DOB.str.len() == 10).all())
            broken = []
            for child, g in ep.groupby("CHILD", sort=False):
                for a, b in zip(g.itertuples(), list(g.itertuples())[1:]):
                    if a.REC == "X1" and a.DEC != b.DECOM:
                        broken.append(child)
                    if a.REC != "X1" and b.RNE != "S":
                        broken.append(child)
                if (g.DEC == "").sum() > 1 or (len(g) and (g.DEC.iloc[:-1] == "").any()):
                    broken.append(child)
            check(f"rep{rep}: each child's episodes run back to back (X1 between, S after an exit)", not broken,
                  broken[:5])
            # Open episodes on a day: DECOM <= day < DEC (or no DEC).
            bad_days = []
            for day in (0, 120, 250, 499):
                date = str(start + np.timedelta64(day, "D"))
                open_ = ((ep.DECOM <= date) & ((ep.DEC == "") | (ep.DEC > date))).sum()
                if open_ != cla_open[rep, day]:
                    bad_days.append(f"day {day}: {open_} open episodes, cla_open {cla_open[rep, day]}")
            check(f"rep{rep}: episodes open on a day = cla_open that day", not bad_days, "\n".join(bad_days))
            first = str(start)
            s_count = ((ep.RNE == "S") & (ep.DECOM >= first)).sum()
            expected = cla_starts[rep].sum()
            check(f"rep{rep}: episodes starting care (RNE S) from start_date = cla_starts", s_count == expected,
                  (s_count, expected))
            check(f"rep{rep}: the log reaches back into the burn-in", (ep.DECOM < first).any())

        # -- CIN census
        dcin = os.path.join(tmp, "cin")
        r = sgsim("export", h5, "--cin", dcin)
        check("export --cin exits 0", r.returncode == 0, r.stderr)
        plans = pd.read_csv(os.path.join(dcin, "england", "rep0", "plans.csv"), dtype=str, keep_default_na=False)
        epi = pd.read_csv(os.path.join(dcin, "england", "rep0", "episodes.csv"), dtype=str, keep_default_na=False)
        first = str(start)
        plan_starts = run.timeseries("england", "cp_plan_starts")[0].sum()
        in_run = (plans.CPPstartDate >= first).sum()
        check("CIN plans starting from start_date = cp_plan_starts", in_run == plan_starts, (in_run, plan_starts))
        referrals = run.timeseries("england", "referrals")[0].sum()
        with_date = (epi.CINreferralDate >= first).sum()
        check("CIN episodes referred from start_date = referrals", with_date == referrals, (with_date, referrals))
        closed = epi[epi.ReasonForClosure != ""]
        check("every closed CIN episode has a closure date on or after its referral",
              (closed.CINclosureDate != "").all() and (closed.CINclosureDate >= closed.CINreferralDate).all())
        nfa = epi[epi.ReferralNFA == "true"]
        check("referrals with no further action close on their referral date (RC8)",
              len(nfa) > 0 and (nfa.CINclosureDate == nfa.CINreferralDate).all() and (nfa.ReasonForClosure == "RC8").all(),
              nfa.head())
        open_per_child = epi[epi.CINclosureDate == ""].groupby("LAchildID").size()
        check("no child has two open CIN episodes", (open_per_child <= 1).all(), open_per_child[open_per_child > 1].head())
        check("CIN codes from the census lists",
              set(epi.ReasonForClosure) <= {"", "RC1", "RC4", "RC7", "RC8", "RC9"}
              and set(plans.InitialCategoryOfAbuse) <= {"NEG", "EMO", "PHY", "SAB"},
              (set(epi.ReasonForClosure), set(plans.InitialCategoryOfAbuse)))

        codes = run.event_codes("england")
        check("the run file carries the model's code lists for the event details",
              len(codes["placement_type"]) == len(codes["placement_ssda903"]) == len(codes["placement_provider_ssda903"])
              and codes["legal_status_ssda903"][0] == "" and "legal_status" in kinds, sorted(codes))

    # -- safety
    r = sgsim("export", h5, "--csv", out, ok=False)
    check("export refuses to replace existing files without --force", r.returncode == 2 and "--force" in r.stderr,
          r.stderr)
    r = sgsim("export", h5, "--csv", out, "--force", ok=False)
    check("export --force replaces them", r.returncode == 0, r.stderr)
    plain = os.path.join(tmp, "plain.h5")
    sgsim("run", england, "-r", "1", "--scale", "0.002", "--set", "run.days=30", "--set", "run.burn_in_days=0",
          "-o", plain)
    r = sgsim("export", plain, "--csv", os.path.join(tmp, "y"), "--ssda903", os.path.join(tmp, "x"), ok=False)
    check("a run without --events gets a clear error", r.returncode == 2 and "--events" in r.stderr, r.stderr)
    check("... before anything is written (not even the CSV asked for with it)",
          not os.path.exists(os.path.join(tmp, "x")) and not os.path.exists(os.path.join(tmp, "y")))
    r = sgsim("export", plain, "--csv", os.path.join(tmp, "z"), "--metrics", "cost,cla_opn", ok=False)
    check("an unknown --metrics name exits 2 with a suggestion, nothing written",
          r.returncode == 2 and "did you mean" in r.stderr and not os.path.exists(os.path.join(tmp, "z")), r.stderr)
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"{'FAILED' if failures else 'passed'}: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
