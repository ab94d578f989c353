#!/usr/bin/env bash
# The national baseline stays calibrated: England at 1% scale, four replicates,
# every front-door row of DESIGN.md §8 within ±10% (analysis.calibration exits 1
# otherwise). A change to any rule that moves a calibrated figure fails here, and
# the fix is to refit (docs/calibration.md), not to loosen this test.
set -euo pipefail
sgsim="$1"; root="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$sgsim" run "$root/scenarios/england.yaml" --scale 0.01 -o "$tmp/england.h5" >/dev/null  # its 4 replicates
cd "$root"
/usr/bin/python3 -m analysis.calibration "$tmp/england.h5" --no-checks
