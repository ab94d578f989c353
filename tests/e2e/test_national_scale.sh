#!/usr/bin/env bash
# The scaling smoke test (issue: national scale): England as its 152 authorities
# at 1% of its children, for a simulated year after a short burn-in, runs, writes
# every authority, and its national figures are the authorities' added up. How
# long it takes is measured in docs/performance.md, not here.
set -uo pipefail
sgsim="$1"; root=$(cd "$2" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$sgsim" run "$root/scenarios/england/national.yaml" --scale 0.01 -r 1 -j 2 --set run.days=365 \
  --set run.burn_in_days=180 -o "$tmp/n.h5" > "$tmp/out.txt" 2>&1 || { cat "$tmp/out.txt"; exit 1; }
/usr/bin/python3 - "$tmp/n.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    g = f["scenarios/england_national"]
    a = g["authorities"]
    codes = a["code"][()]
    assert len(codes) == 152, f"{len(codes)} authorities"
    s = a["summary"]
    for m in ("population", "referrals", "cla_open", "out_of_area"):
        parts, whole = s[m][0].sum(), g["summary"][m][0]
        assert abs(parts - whole) <= 1e-6 * max(1, whole), (m, parts, whole)
    pop = g["summary"]["population"][0]
    assert 0.9 * 120000 < pop < 1.1 * 120000, pop
    print(f"ok - 152 authorities, {pop:.0f} children (1% of England), national sums are the authorities' sums")
PY
# The analysis tools read the authorities: one row each.
rows=$(cd "$root" && /usr/bin/python3 -m analysis.runfile "$tmp/n.h5" --authorities cla_open,caseload_mean | grep -c '^A[0-9]')
[ "$rows" -eq 152 ] && echo "ok - analysis.runfile --authorities prints 152 rows" || { echo "not ok - $rows rows"; exit 1; }
