#!/usr/bin/env bash
# check() evaluates its conditions as strings, so shellcheck cannot see the
# variables they read:
# shellcheck disable=SC2034,SC2016,SC2317

# End-to-end tests of the sgsim command line as a user meets it: exit codes,
# messages, and the files left behind (or not) in the output directory.
#
#   bash tests/e2e/cli_end_to_end.sh PATH-TO-SGSIM SOURCE-DIR
#
# Run by CTest as cli.end_to_end (tests/CMakeLists.txt). Works in a fresh
# temporary directory that is removed on exit. Prints one line per check,
# "ok - ..." or "not ok - ..." (with "# ..." diagnostics after a failure), and
# exits non-zero if any check failed. Runs are tiny (--scale 0.002, 60 days,
# 2-3 replicates) so the whole script takes a few seconds.
#
# Exit codes under test (sim/cli/commands.cpp): 0 ok, 1 run failure, 2 bad input
# (including an existing output file without --force), 130 interrupted.
set -u

if [[ $# -ne 2 ]]; then
  echo "usage: $0 PATH-TO-SGSIM SOURCE-DIR" >&2
  exit 2
fi
SGSIM=$1
SRC=$2
[[ $SGSIM == /* ]] || SGSIM=$PWD/$SGSIM
[[ $SRC == /* ]] || SRC=$PWD/$SRC
if [[ ! -x $SGSIM ]]; then
  echo "not ok - sgsim binary not found or not executable: $SGSIM"
  exit 1
fi
ENGLAND=$SRC/scenarios/england.yaml
METRO=$SRC/scenarios/local/metropolitan.yaml
for f in "$ENGLAND" "$METRO"; do
  if [[ ! -f $f ]]; then
    echo "not ok - bundled scenario missing: $f"
    exit 1
  fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/sgsim-e2e.XXXXXX") || {
  echo "not ok - cannot create a temporary directory"
  exit 1
}
LONG_PID=
cleanup() {
  if [[ -n $LONG_PID ]]; then kill -KILL "$LONG_PID" 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 143' TERM
cd "$T" || exit 1
mkdir out

# Small, fast runs: a few thousand children for 60 days.
SMALL=(--scale 0.002 --set run.days=60 -r 2)

FAILED=0
CHECKS=0
LAST=   # name of the last sg call, for diagnostics

# sg NAME ARGS...: run sgsim with stdout/stderr captured in NAME.out/NAME.err
# (stdout is a file, not a terminal, as under CTest); sets RC.
sg() {
  local name=$1
  shift
  LAST=$name
  "$SGSIM" "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null
  RC=$?
}

diag() {
  local name=$LAST
  [[ -n $name ]] || return 0
  echo "#   last command ($name) exit status: ${RC:-?}"
  if [[ -s $T/$name.err ]]; then
    echo "#   stderr:"
    head -n 8 "$T/$name.err" | sed 's/^/#     /'
  fi
  if [[ -s $T/$name.out ]]; then
    echo "#   stdout:"
    head -n 8 "$T/$name.out" | sed 's/^/#     /'
  fi
}

# check DESCRIPTION CONDITION: CONDITION is a shell expression, evaluated.
check() {
  local desc=$1 cond=$2
  CHECKS=$((CHECKS + 1))
  if eval "$cond"; then
    echo "ok - $desc"
  else
    echo "not ok - $desc"
    echo "#   condition: $cond"
    diag
    FAILED=$((FAILED + 1))
  fi
}

# Any hidden temporary (".<name>.partial-<pid>") anywhere under the temp dir?
no_partials() { [[ -z $(find "$T" -name '*.partial-*' -print -quit) ]]; }
# The output directory holds nothing at all.
out_empty() { [[ -z $(ls -A "$T/out") ]]; }
lines() { if [[ -s $1 ]]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }
checksum() { sha256sum "$1" | cut -d' ' -f1; }

# The root attribute `complete` of an HDF5 run file is 1.
is_complete() {
  local f=$1 v
  [[ -f $f ]] || return 1
  if command -v h5dump >/dev/null 2>&1; then
    v=$(h5dump -A -a /complete "$f" 2>/dev/null | sed -n 's/^ *(0): *\([0-9-]*\).*/\1/p')
  else
    v=$(/usr/bin/python3 -c 'import sys, h5py; print(int(h5py.File(sys.argv[1], "r").attrs["complete"]))' "$f" 2>/dev/null)
  fi
  [[ $v == 1 ]]
}

# same_data A B SCENARIO: every dataset of /scenarios/SCENARIO is identical in the
# two files, except wall_seconds (timing). Attributes on the root (started_at,
# command_line, threads) legitimately differ, so only the scenario's datasets are
# compared, one h5diff per group/dataset.
same_data() {
  local a=$1 b=$2 s=$3 name
  h5diff -q "$a" "$b" "/scenarios/$s/timeseries" "/scenarios/$s/timeseries" >/dev/null 2>&1 || return 1
  local names
  names=$(h5ls "$a/scenarios/$s/summary" 2>/dev/null | awk '{print $1}')
  [[ -n $names ]] || return 1
  for name in $names; do
    [[ $name == wall_seconds ]] && continue
    h5diff -q "$a" "$b" "/scenarios/$s/summary/$name" "/scenarios/$s/summary/$name" >/dev/null 2>&1 || return 1
  done
  return 0
}

# ---------------------------------------------------------------- version, help
sg version --version
check "sgsim --version exits 0" '[[ $RC -eq 0 ]]'
check "sgsim --version prints 'sgsim X.Y.Z'" 'grep -Eq "^sgsim [0-9]+\.[0-9]+\.[0-9]+" version.out'

sg help --help
check "sgsim --help exits 0 and prints usage" '[[ $RC -eq 0 ]] && grep -q "Usage" help.out'
check "sgsim --help lists the verbs run, validate, describe" \
  'grep -q "run" help.out && grep -q "validate" help.out && grep -q "describe" help.out'
for verb in run validate describe; do
  sg "help_$verb" "$verb" --help
  check "sgsim $verb --help exits 0 and prints usage" '[[ $RC -eq 0 ]] && grep -q "Usage" help_$verb.out'
done

sg badverb frobnicate
check "an unknown verb exits 2" '[[ $RC -eq 2 ]]'
sg nooutput run "$ENGLAND"
check "run without -o exits 2 and names --output" '[[ $RC -eq 2 ]] && grep -q -- "--output" nooutput.err'
sg badscale run "$ENGLAND" -o out/x.h5 --scale 2
check "run --scale 2 (out of range) exits 2, nothing written" '[[ $RC -eq 2 ]] && out_empty'

# ------------------------------------------------------------------ a good run
OUT=$T/out/england.h5
sg run1 run "$ENGLAND" -o "$OUT" "${SMALL[@]}"
check "run england.yaml (small) exits 0" '[[ $RC -eq 0 ]]'
check "run writes the output file" '[[ -s $OUT ]]'
check "the output file has root attribute complete = 1" 'is_complete "$OUT"'
check "no .partial- file remains after a successful run" 'no_partials'
check "the output directory holds only the output file" '[[ $(ls -A out) == england.h5 ]]'
check "stdout says where the file was written" 'grep -q "wrote .*england.h5" run1.out'
check "stderr of a successful run is empty when stdout is not a terminal (no progress line)" '[[ ! -s run1.err ]]'

# ------------------------------------------------------- existing output, --force
SUM1=$(checksum "$OUT")
sg rerun run "$ENGLAND" -o "$OUT" "${SMALL[@]}" --seed 7
check "run to an existing file without --force exits 2" '[[ $RC -eq 2 ]]'
check "... and stderr mentions --force" 'grep -q -- "--force" rerun.err'
check "... and the existing file is byte-identical afterwards" '[[ $(checksum "$OUT") == "$SUM1" ]]'
check "... and no .partial- file is left" 'no_partials'

sg force run "$ENGLAND" -o "$OUT" "${SMALL[@]}" --seed 7 --force
check "run --force over an existing file exits 0" '[[ $RC -eq 0 ]]'
check "... and replaces the file (different seed, different contents)" '[[ $(checksum "$OUT") != "$SUM1" ]]'
check "... and the new file is complete" 'is_complete "$OUT"'
check "... and no .partial- file is left" 'no_partials'
rm -f "$OUT"

# ------------------------------------------------------------- bad scenarios
# name|YAML: each must exit 2 with one line "file:line:col: error: ...".
printf 'name: bad\nrun:\n  days: 30\npopulaton:\n  children: 1000\n' >bad_key.yaml
printf 'name: bad\nrun:\n  days: 0\n' >bad_range.yaml
printf 'name: bad\nrun:\n  days: lots\n' >bad_type.yaml
printf 'name: bad\nrun:\n  days: [1, 2\n' >bad_syntax.yaml
for kind in key range type syntax; do
  f=$T/bad_$kind.yaml
  o=$T/out/bad_$kind.h5
  sg "bad_$kind" run "$f" -o "$o" "${SMALL[@]}"
  check "bad scenario ($kind): run exits 2" '[[ $RC -eq 2 ]]'
  check "bad scenario ($kind): stderr is one line" '[[ $(lines bad_$kind.err) -eq 1 ]]'
  check "bad scenario ($kind): stderr has the form 'file:line:col: error: ...' naming the file" \
    'grep -Eq "^.*bad_$kind\.yaml:[0-9]+:[0-9]+: error: .+" bad_$kind.err'
  check "bad scenario ($kind): no output file and no partial file" '[[ ! -e $o ]] && out_empty && no_partials'
done
check "unknown key: the message suggests the nearest valid key" 'grep -q "population" bad_key.err'
check "unknown key: the position is the offending line (4:1)" 'grep -q "bad_key\.yaml:4:1: error:" bad_key.err'

sg nofile run "$T/no_such_scenario.yaml" -o out/x.h5 "${SMALL[@]}"
check "missing scenario file: exit 2, message names the file, nothing written" \
  '[[ $RC -eq 2 ]] && grep -q "no_such_scenario.yaml" nofile.err && out_empty && no_partials'

# ------------------------------------------------------------------- bad --set
sg badset run "$ENGLAND" -o out/x.h5 "${SMALL[@]}" --set population.childen=3
check "--set with an unknown path exits 2" '[[ $RC -eq 2 ]]'
check "... stderr names the path and suggests population.children" \
  'grep -q "population.childen" badset.err && grep -q "population.children" badset.err'
check "... and nothing is written" 'out_empty && no_partials'
sg badset2 run "$ENGLAND" -o out/x.h5 "${SMALL[@]}" --set nosuchmodule.param=3
check "--set with an unknown module exits 2, nothing written" '[[ $RC -eq 2 ]] && out_empty && no_partials'
sg badset3 run "$ENGLAND" -o out/x.h5 "${SMALL[@]}" --set run.days=lots
check "--set with a bad value exits 2, nothing written" '[[ $RC -eq 2 ]] && out_empty && no_partials'
sg badset4 run "$ENGLAND" -o out/x.h5 "${SMALL[@]}" --set run.days
check "--set without '=' exits 2, nothing written" '[[ $RC -eq 2 ]] && out_empty && no_partials'

# ----------------------------------------------------- missing output directory
sg nodir run "$ENGLAND" -o "$T/missing/dir/x.h5" "${SMALL[@]}"
check "output into a missing directory exits non-zero" '[[ $RC -ne 0 ]]'
check "... with a message naming the directory" 'grep -q "missing/dir" nodir.err && [[ $(lines nodir.err) -eq 1 ]]'
check "... and nothing is written (directory not created, no partial file)" '[[ ! -e $T/missing ]] && no_partials'

# ------------------------------------------------------------------- interrupt
LONGOUT=$T/out/long.h5
LAST=long
RC=
# 100 years of 240,000 children: tens of seconds of work, so it is certainly
# still running when interrupted (setup takes well under a second).
"$SGSIM" run "$ENGLAND" -o "$LONGOUT" --scale 0.02 -r 2 --set run.days=36500 >"$T/long.out" 2>"$T/long.err" </dev/null &
LONG_PID=$!
sleep 1
if kill -0 "$LONG_PID" 2>/dev/null; then STILL_RUNNING=1; else STILL_RUNNING=0; fi
check "a long run is still running after 1 s" '[[ $STILL_RUNNING -eq 1 ]]'
kill -INT "$LONG_PID" 2>/dev/null
# Watchdog: the run checks for cancellation once a simulated day, so it should
# stop almost at once; give it 30 s before killing it.
T0=$(date +%s%N)
for _ in $(seq 300); do
  kill -0 "$LONG_PID" 2>/dev/null || break
  sleep 0.1
done
echo "# the interrupted run stopped $(( ($(date +%s%N) - T0) / 1000000 )) ms after SIGINT"
HUNG=0
if kill -0 "$LONG_PID" 2>/dev/null; then
  HUNG=1
  kill -KILL "$LONG_PID" 2>/dev/null
fi
wait "$LONG_PID"
RC=$?
LONG_PID=
check "SIGINT stops the run within 30 s" '[[ $HUNG -eq 0 ]]'
check "an interrupted run exits 130" '[[ $RC -eq 130 ]]'
check "... stderr says it was interrupted" 'grep -qi "interrupted" long.err'
check "... and neither the output file nor any .partial- file exists" '[[ ! -e $LONGOUT ]] && out_empty && no_partials'

# -------------------------------------------------------------------- validate
sg val_england validate "$ENGLAND"
check "validate england.yaml exits 0" '[[ $RC -eq 0 ]] && grep -q "ok" val_england.out'
sg val_metro validate "$METRO"
check "validate local/metropolitan.yaml exits 0" '[[ $RC -eq 0 ]] && grep -q "ok" val_metro.out'
sg val_both validate "$ENGLAND" "$METRO"
check "validate with both files exits 0" '[[ $RC -eq 0 ]]'
sg val_bad validate "$T/bad_key.yaml"
check "validate on a bad file exits 2 with a file:line:col error" \
  '[[ $RC -eq 2 ]] && grep -Eq "bad_key\.yaml:[0-9]+:[0-9]+: error: " val_bad.err'
sg val_mixed validate "$ENGLAND" "$T/bad_key.yaml"
check "validate on a good and a bad file exits 2" '[[ $RC -eq 2 ]]'

for which in england metro; do
  if [[ $which == england ]]; then f=$ENGLAND; else f=$METRO; fi
  sg "resolved_$which" validate --resolved "$f"
  check "validate --resolved ($which) exits 0 and prints population.children" \
    '[[ $RC -eq 0 ]] && grep -q "^population:" resolved_$which.out && grep -q "^  children:" resolved_$which.out'
  cp "resolved_$which.out" "resolved_$which.yaml"
  sg "revalidate_$which" validate "$T/resolved_$which.yaml"
  check "the resolved YAML ($which), saved to a file, validates again" '[[ $RC -eq 0 ]]'
  sg "reresolve_$which" validate --resolved "$T/resolved_$which.yaml"
  check "resolving the resolved YAML ($which) gives the same values" \
    '[[ $RC -eq 0 ]] && diff <(grep -v "^[[:space:]]*#" resolved_$which.out) <(grep -v "^[[:space:]]*#" reresolve_$which.out) >/dev/null'
done
check "metropolitan's resolved YAML keeps its own children (150000)" 'grep -q "^  children: 150000" resolved_metro.out'

# The commissioner options each run (a short run without burn-in: a few months
# at the baseline's size) and write the care and cost series.
for opt in "$SRC"/scenarios/local/options/*.yaml; do
  name=$(basename "$opt" .yaml)
  sg "option_$name" run "$opt" -o "out/option_$name.h5" -r 1 --set run.days=120 --set run.burn_in_days=0
  check "option $name runs and writes cla_open and cost" \
    '[[ $RC -eq 0 ]] && h5ls -r "out/option_$name.h5" | grep -q "timeseries/cla_open" && h5ls -r "out/option_$name.h5" | grep -q "timeseries/cost "'
done

# -------------------------------------------------------------------- describe
sg describe describe
check "describe exits 0 and lists population.children" \
  '[[ $RC -eq 0 ]] && grep -Eq "^  population\.children  = " describe.out'
check "describe lists the run settings and family_risk" \
  'grep -Eq "^  run\.days  = " describe.out && grep -Eq "^  family_risk\." describe.out'
sg describe_fr describe family_risk
PATHS=$(sed -n 's/^  \([A-Za-z0-9_.]*\)  = .*/\1/p' describe_fr.out)
check "describe family_risk exits 0 and lists parameters" '[[ $RC -eq 0 ]] && [[ -n $PATHS ]]'
check "describe family_risk lists only family_risk.* parameters" \
  '[[ -z $(grep -v "^family_risk\." <<<"$PATHS") ]] && ! grep -q "population\.children" describe_fr.out'
sg describe_bad describe nosuchmodule
check "describe nosuchmodule exits 2 with a suggestion" '[[ $RC -eq 2 ]] && grep -q "did you mean" describe_bad.err'
sg describe_typo describe family_rsk
check "describe family_rsk suggests family_risk" '[[ $RC -eq 2 ]] && grep -q "family_risk" describe_typo.err'

# ----------------------------------------------------------------- determinism
# Three replicates so that -j 2 really runs replicates side by side.
DET=(--scale 0.002 --set run.days=60 -r 3 --seed 12345)
sg det_a run "$ENGLAND" -o out/det_a.h5 "${DET[@]}" -j 1
RC_A=$RC
sg det_b run "$ENGLAND" -o out/det_b.h5 "${DET[@]}" -j 1
RC_B=$RC
sg det_c run "$ENGLAND" -o out/det_c.h5 "${DET[@]}" -j 2
RC_C=$RC
sg det_d run "$ENGLAND" -o out/det_d.h5 --scale 0.002 --set run.days=60 -r 3 --seed 54321 -j 2
RC_D=$RC
check "determinism runs exit 0" '[[ $RC_A -eq 0 && $RC_B -eq 0 && $RC_C -eq 0 && $RC_D -eq 0 ]]'
check "same seed twice (-j 1): identical datasets" 'same_data out/det_a.h5 out/det_b.h5 england'
check "same seed, -j 1 vs -j 2: identical datasets" 'same_data out/det_a.h5 out/det_c.h5 england'
check "control: a different seed gives different datasets" '! same_data out/det_a.h5 out/det_d.h5 england'
check "no .partial- file is left after the determinism runs" 'no_partials'

# ------------------------------------------------------------- compare, sweep
no_set_file() { [[ ! -e $T/out/cmp.h5 && ! -e $T/out/sw.h5 ]]; }
SMALL=(--scale 0.002 --set run.days=60 --set run.burn_in_days=0)
cat >"$T/longer.yaml" <<YAML
extends: $ENGLAND
name: longer
run: {days: 90}
YAML
sg cmp_one compare "$ENGLAND" -o out/cmp.h5 "${SMALL[@]}"
check "compare with only a baseline exits 2" '[[ $RC -eq 2 ]] && no_set_file'
sg cmp_days compare "$ENGLAND" "$T/longer.yaml" -o out/cmp.h5 --scale 0.002 -r 2
check "compare of scenarios over different periods exits 2 and says why, nothing written" \
  '[[ $RC -eq 2 ]] && grep -q "same period" cmp_days.err && no_set_file'
sg cmp_missing compare "$ENGLAND" "$T/nosuch.yaml" -o out/cmp.h5 "${SMALL[@]}"
check "compare with a missing option file exits 2, nothing written" '[[ $RC -eq 2 ]] && no_set_file'
sg cmp_ok compare "$ENGLAND" "$ENGLAND" -o out/cmp.h5 "${SMALL[@]}" -r 2
check "compare of a scenario with itself exits 0" '[[ $RC -eq 0 ]]'
check "... names the copy england-2 and shows a zero difference with a [0, 0] interval" \
  'grep -q "england-2 vs england" cmp_ok.out && grep -q "true harm events.* 0  *\[0, 0\]" cmp_ok.out'
rm -f "$T/out/cmp.h5"
sg sw_none sweep "$ENGLAND" -o out/sw.h5 "${SMALL[@]}"
check "sweep with nothing to vary exits 2" '[[ $RC -eq 2 ]] && grep -q "nothing to sweep" sw_none.err && no_set_file'
sg sw_bad sweep "$ENGLAND" -o out/sw.h5 "${SMALL[@]}" --set front_door.thresholds.referal=2:3:1
check "sweep of a misspelt parameter exits 2 with a suggestion" \
  '[[ $RC -eq 2 ]] && grep -q "did you mean" sw_bad.err && no_set_file'
sg sw_range sweep "$ENGLAND" -o out/sw.h5 "${SMALL[@]}" --set front_door.thresholds.referral=3:2:1
check "sweep with TO below FROM exits 2" '[[ $RC -eq 2 ]] && grep -q "TO must not be below FROM" sw_range.err'
sg sw_ok sweep "$ENGLAND" -o out/sw.h5 "${SMALL[@]}" -r 2 --set front_door.thresholds.referral=2:3:0.5 \
  --set workforce.caseload_cap=18,22
check "a 3 x 2 sweep exits 0 and prints its six points" \
  '[[ $RC -eq 0 ]] && [[ $(grep -c "^england-00[0-5]" sw_ok.out) -eq 6 ]]'
check "no .partial- file is left after compare and sweep" 'no_partials'
rm -f "$T/out/cmp.h5" "$T/out/sw.h5"

# ---------------------------------------------------------------------- trace
# One child's timeline, and a branch at a date (sgsim trace; analysis/trace.py).
sg tr_ok trace "$ENGLAND" "${SMALL[@]}" --json out/tr.json
check "trace exits 0 and narrates the child as run" \
  '[[ $RC -eq 0 ]] && grep -q "^As run:" tr_ok.out && [[ $(grep -c "^20[0-9][0-9]-" tr_ok.out) -gt 3 ]]'
check "trace --json keeps the trace document" '[[ -s $T/out/tr.json ]] && grep -q "\"timelines\"" "$T/out/tr.json"'
CHILD=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["child"]["id"])' "$T/out/tr.json")
DATE=$(/usr/bin/python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["timelines"]["as_run"]; print(t[len(t)//2]["date"])' "$T/out/tr.json")
sg tr_br trace "$ENGLAND" "${SMALL[@]}" --child "$CHILD" -n 3 -o out/tr.html \
  --branch "$DATE:front_door.thresholds.referral=0.5"
check "trace --branch exits 0, compares three futures and writes the page" \
  '[[ $RC -eq 0 ]] && grep -q "Over 3 futures" tr_br.out && grep -q "id=.comparison." "$T/out/tr.html"'
check "the branched timeline starts where the timelines part" 'grep -q "from where the timelines part" tr_br.out'
sg tr_exists trace "$ENGLAND" "${SMALL[@]}" --child "$CHILD" -o out/tr.html
check "trace will not overwrite a page without --force" \
  '[[ $RC -eq 2 ]] && grep -q "already exists" tr_exists.err'
sg tr_date trace "$ENGLAND" "${SMALL[@]}" --branch 1999-01-01:front_door.thresholds.referral=0.5
check "a branch date outside the run exits 2 and names it" '[[ $RC -eq 2 ]] && grep -q "outside the run" tr_date.err'
sg tr_key trace "$ENGLAND" "${SMALL[@]}" --branch "$DATE:front_door.thresholds.referal=0.5"
check "a misspelt branch parameter exits 2 with a suggestion" '[[ $RC -eq 2 ]] && grep -q "did you mean" tr_key.err'
sg tr_run trace "$ENGLAND" "${SMALL[@]}" --branch "$DATE:run.seed=3"
check "a branch cannot change a run setting" '[[ $RC -eq 2 ]] && grep -q "run settings" tr_run.err'
check "no .partial- file is left after trace" 'no_partials'
rm -f "$T/out/tr.json" "$T/out/tr.html"

# ---------------------------------------------------------------------- result
echo "# $((CHECKS - FAILED))/$CHECKS checks passed"
if [[ $FAILED -ne 0 ]]; then
  echo "# $FAILED check(s) FAILED"
  exit 1
fi
exit 0
