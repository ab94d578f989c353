#!/usr/bin/env bash
# Ensembles over MPI (sim/run/ensemble.hpp), as a cluster user meets them:
# `mpirun -np 3 --oversubscribe sgsim sweep|compare ...` gives the same run file,
# bit for bit in every result, as the same command on one machine; a job killed
# part-way continues where it stopped; a run that fails on a worker is reported
# and the others go on, and no run file is written.
source "$(dirname "$0")/checks.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
export OMPI_MCA_rmaps_base_oversubscribe=1
mpi=(mpirun -np 3 --oversubscribe)

base="$root/scenarios/local/metropolitan.yaml"
small=(--set population.children=4000 --set run.days=365 --set run.burn_in_days=120 -j 1)

# A sweep: 2 points × 3 replicates with the event log, on one machine and on 3 ranks.
sweep=(sweep "$base" "${small[@]}" --set front_door.thresholds.referral=2,3 -r 3 --events)
"$sgsim" "${sweep[@]}" -o "$tmp/one.h5" >/dev/null 2>&1 || no "the sweep runs on one machine"
if "${mpi[@]}" "$sgsim" "${sweep[@]}" -o "$tmp/mpi.h5" >"$tmp/mpi.out" 2>&1; then ok "mpirun -np 3 sgsim sweep runs"
else no "mpirun -np 3 sgsim sweep runs"; cat "$tmp/mpi.out"; fi
grep -q "ensemble of 6 runs over 3 rank" "$tmp/mpi.out" && ok "the manager hands 6 runs to the ranks" || no "ensemble report: $(head -3 "$tmp/mpi.out")"
$same "$tmp/one.h5" "$tmp/mpi.h5" && ok "the MPI sweep's file is the single-machine file, bit for bit" || no "MPI sweep differs"
[ ! -e "$tmp/mpi.h5.runs" ] && ok "the runs folder is gone once the run file holds every run" || no "runs folder left behind"
# The comparison can fail: a different seed gives a different file.
"$sgsim" "${sweep[@]}" --seed 99 -o "$tmp/other.h5" >/dev/null 2>&1
$same "$tmp/one.h5" "$tmp/other.h5" >/dev/null && no "h5_same cannot tell two seeds apart" || ok "another seed's file differs (the check can fail)"

# A comparison with an option, on 3 ranks.
mkdir -p "$tmp/opt"
printf 'extends: %s\nname: fewer_referrals\nfront_door:\n  thresholds:\n    referral: 3\n' "$base" > "$tmp/opt/option.yaml"
"$sgsim" compare "$base" "$tmp/opt/option.yaml" "${small[@]}" -r 2 -o "$tmp/c1.h5" >/dev/null 2>&1
"${mpi[@]}" "$sgsim" compare "$base" "$tmp/opt/option.yaml" "${small[@]}" -r 2 -o "$tmp/c3.h5" >/dev/null 2>&1
$same "$tmp/c1.h5" "$tmp/c3.h5" && ok "mpirun sgsim compare gives the single-machine file" || no "MPI compare differs"

# Killed part-way (as by a scheduler): the same command again runs only the rest.
long=(sweep "$base" --set population.children=40000 --set run.days=1095 --set run.burn_in_days=365 -j 1
      --set front_door.thresholds.referral=2,3 -r 4)
mpirun -np 2 "$sgsim" "${long[@]}" -o "$tmp/k.h5" >"$tmp/k1.out" 2>&1 &
job=$!
for _ in $(seq 1 600); do  # until the first run is complete in the folder
  compgen -G "$tmp/k.h5.runs/run-*.h5" >/dev/null && break
  sleep 0.1
done
kill -TERM "$job" 2>/dev/null; wait "$job" 2>/dev/null
[ ! -e "$tmp/k.h5" ] && ok "a killed ensemble writes no run file" || no "a killed ensemble left a run file"
complete=$(ls "$tmp/k.h5.runs"/run-*.h5 2>/dev/null | wc -l)  # hidden partial files are not runs
"${mpi[@]}" "$sgsim" "${long[@]}" -o "$tmp/k.h5" >"$tmp/k2.out" 2>&1 || { no "the rerun finishes"; cat "$tmp/k2.out"; }
if grep -q "ensemble of 8 runs over 3 rank(s); $complete already complete" "$tmp/k2.out" && [ "$complete" -ge 1 ]; then
  ok "the rerun skips the $complete run(s) complete before the kill and runs the rest"
else
  no "the rerun should skip the $complete complete run(s): $(grep ensemble "$tmp/k2.out")"
fi
"$sgsim" "${long[@]}" -o "$tmp/k1.h5" >/dev/null 2>&1
$same "$tmp/k1.h5" "$tmp/k.h5" && ok "killed and resumed gives the single-machine file" || no "resumed ensemble differs"

# A run that fails on a worker: reported; the others finish; no run file; rerun refuses again.
printf 'extends: %s\nname: broken\nvignette:\n  child_1:\n    present: true\n    concerns:\n      gp: [-5000]\n' \
  "$base" > "$tmp/opt/broken.yaml"
"${mpi[@]}" "$sgsim" compare "$base" "$tmp/opt/broken.yaml" "${small[@]}" -r 2 -o "$tmp/b.h5" >"$tmp/b.out" 2>&1
rc=$?
[ "$rc" -ne 0 ] && ok "a failed run fails the command (exit $rc)" || no "a failed run exited 0"
grep -q "failed: vignette.child_1.concerns.gp" "$tmp/b.out" && ok "the worker reports the failed run and why" || no "no failure report: $(tail -3 "$tmp/b.out")"
[ ! -e "$tmp/b.h5" ] && ok "no run file after a failed run" || no "a run file after a failed run"
n=$(ls "$tmp/b.h5.runs"/run-00000-*.h5 2>/dev/null | wc -l)
[ "$n" -eq 2 ] && ok "the other scenario's runs finished and are kept" || no "kept runs: $n"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
