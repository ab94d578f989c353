#!/usr/bin/env bash
# The HTML report as a reader meets it: `sgsim compare` and `sgsim sweep` at a small
# scale, `sgsim report` on each, then headless Chromium (Debian's chromium) renders
# the page. The page's own script records whether its headline table and plots are
# there and any script error (body data attributes, read through --dump-dom), and a
# screenshot must not be blank.
#   bash tests/e2e/test_report.sh PATH-TO-SGSIM SOURCE-DIR
set -uo pipefail
SGSIM=$(realpath "$1")
SRC=$(cd "$2" && pwd)
PY=/usr/bin/python3
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fail=1; }

if [ -z "$CHROMIUM" ]; then
  echo "not ok - chromium is not installed (./setup.sh installs Debian's chromium)"
  exit 1
fi

browse() {  # browse MODE URL OUT: a fresh profile each time, nothing fetched from outside
  # --disable-dev-shm-usage: containers often have a small /dev/shm, on which Chromium
  # can crash under load. One retry if it still comes back with nothing.
  local profile attempt
  for attempt in 1 2; do
    profile=$(mktemp -d "$tmp/profile.XXXX")
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
      --disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir="$profile" \
      --window-size=1200,2400 "$1" "$2" >"$3" 2>"$tmp/chromium.$attempt.log"
    if [[ $1 == --dump-dom ]]; then [[ -s $3 ]] && return 0; else [[ -s ${1#--screenshot=} ]] && return 0; fi
    echo "# chromium attempt $attempt gave nothing: $(tail -3 "$tmp/chromium.$attempt.log")"
  done
  return 1
}

check_page() {  # check_page NAME HTML MIN_PLOTS
  local name=$1 html=$2 min_plots=$3
  browse --dump-dom "file://$html" "$tmp/$name.dom"
  local body
  body=$(grep -o '<body[^>]*>' "$tmp/$name.dom" | head -1)
  echo "# $name: $body"
  [[ $body == *'data-rendered="ok"'* ]] && ok "$name: the page rendered its headline table and plots" \
    || bad "$name: the page did not render (body: $body)"
  [[ $body != *'data-errors'* ]] && ok "$name: no script errors" || bad "$name: script errors: $body"
  local plots
  plots=$(sed -n 's/.*data-plots="\([0-9]*\)".*/\1/p' <<<"$body")
  [ "${plots:-0}" -ge "$min_plots" ] && ok "$name: $plots plots (at least $min_plots)" \
    || bad "$name: $plots plots, expected at least $min_plots"
  (cd "$tmp" && browse "--screenshot=$tmp/$name.png" "file://$html" /dev/null)
  if [ -s "$tmp/$name.png" ] && $PY - "$tmp/$name.png" <<'PYEOF'
import sys
import matplotlib.image as img
px = img.imread(sys.argv[1])
# A blank page is one colour; a rendered report has text, tables and plots.
sys.exit(0 if px.std() > 0.05 and px.shape[0] >= 1000 else 1)
PYEOF
  then ok "$name: the screenshot shows a page ($(stat -c %s "$tmp/$name.png") bytes)"
  else bad "$name: the screenshot is missing or blank"
  fi
}

ENGLAND=$SRC/scenarios/england.yaml
cat >"$tmp/option.yaml" <<YAML
extends: $ENGLAND
name: lower_threshold
set:
  front_door.thresholds.referral: 2.0
YAML
common=(--scale 0.004 --set run.days=400 --set run.burn_in_days=0)

if "$SGSIM" compare "$ENGLAND" "$tmp/option.yaml" -r 3 "${common[@]}" -o "$tmp/c.h5" >"$tmp/compare.out" 2>&1; then
  ok "sgsim compare exits 0"
else
  bad "sgsim compare failed: $(cat "$tmp/compare.out")"
fi
grep -q "lower_threshold vs england" "$tmp/compare.out" && ok "compare prints the option against the baseline" \
  || bad "compare table missing: $(head -20 "$tmp/compare.out")"

if "$SGSIM" report "$tmp/c.h5" -o "$tmp/c.html" >"$tmp/report.out" 2>&1; then ok "sgsim report exits 0"
else bad "sgsim report failed: $(cat "$tmp/report.out")"; fi
grep -q "id='headline-table'" "$tmp/c.html" && ok "the report has the headline table" || bad "no headline table"
grep -q "Differences from the baseline" "$tmp/c.html" && ok "the report has the difference chart" || bad "no difference chart"
grep -q "Scenarios as run" "$tmp/c.html" && ok "the report ends with the resolved scenarios" || bad "no resolved scenarios"
! grep -qE "(src|href)=['\"]https?:" "$tmp/c.html" && ok "the report is self-contained (nothing fetched)" \
  || bad "the report links outside itself"
check_page compare "$tmp/c.html" 3

if "$SGSIM" report "$tmp/c.h5" -o "$tmp/c.html" >"$tmp/again.out" 2>&1; then bad "report replaced a file without --force"
else grep -q -- "--force" "$tmp/again.out" && ok "report refuses to replace a file without --force" \
  || bad "unclear refusal: $(cat "$tmp/again.out")"; fi

if "$SGSIM" sweep "$ENGLAND" --set front_door.thresholds.referral=2:3:1 --set front_door.thresholds.strategy=5,6 \
  "${common[@]}" -r 2 -o "$tmp/s.h5" >"$tmp/sweep.out" 2>&1; then ok "sgsim sweep exits 0"
else bad "sgsim sweep failed: $(cat "$tmp/sweep.out")"; fi
"$SGSIM" report "$tmp/s.h5" -o "$tmp/s.html" >/dev/null 2>&1 && ok "sweep report written" || bad "sweep report failed"
grep -q "Sweep over front_door.thresholds.referral, front_door.thresholds.strategy" "$tmp/s.html" \
  && ok "the sweep report has the heat maps" || bad "no sweep section"
check_page sweep "$tmp/s.html" 2

exit $fail
