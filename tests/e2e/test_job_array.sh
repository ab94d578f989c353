#!/usr/bin/env bash
# Ensembles without MPI (docs/cluster.md, job arrays): each task runs its share
# of the runs into OUTPUT.runs/ (--share K/N) and writes no run file; the same
# command without --share then gathers them into the run file, which is the
# single-machine file bit for bit in every result. A share given twice does no
# work the second time; a bad share is refused up front.
source "$(dirname "$0")/checks.sh"

cmd=(sweep "$root/scenarios/local/metropolitan.yaml" --set population.children=4000 --set run.days=365
     --set run.burn_in_days=120 --set front_door.thresholds.referral=2,3 -r 3 --events -j 1)
"$sgsim" "${cmd[@]}" -o "$tmp/one.h5" >/dev/null 2>&1 || no "the sweep runs on one machine"
for k in 1 2 3; do
  "$sgsim" "${cmd[@]}" -o "$tmp/arr.h5" --share "$k/3" >"$tmp/share$k.out" 2>&1 || { no "share $k/3 runs"; cat "$tmp/share$k.out"; }
done
[ ! -e "$tmp/arr.h5" ] && ok "the shares write no run file" || no "a share wrote the run file"
n=$(ls "$tmp/arr.h5.runs"/run-*.h5 2>/dev/null | wc -l)
[ "$n" -eq 6 ] && ok "three shares ran the 6 runs between them" || no "runs in the folder: $n"
"$sgsim" "${cmd[@]}" -o "$tmp/arr.h5" --share 2/3 >"$tmp/again.out" 2>&1
grep -q "0 runs to do, 2 already complete" "$tmp/again.out" && ok "a share given again does no work" || no "rerun share: $(cat "$tmp/again.out")"
"$sgsim" "${cmd[@]}" -o "$tmp/arr.h5" >"$tmp/gather.out" 2>&1 || { no "gathering runs"; cat "$tmp/gather.out"; }
grep -q "0 runs to do, 6 already complete" "$tmp/gather.out" && ok "gathering runs nothing again" || no "gather: $(head -3 "$tmp/gather.out")"
$same "$tmp/one.h5" "$tmp/arr.h5" && ok "the gathered file is the single-machine file, bit for bit" || no "gathered file differs"
[ ! -e "$tmp/arr.h5.runs" ] && ok "the runs folder is gone once gathered" || no "runs folder left behind"
for bad in 0/3 4/3 2 x/y 1/0; do
  if "$sgsim" "${cmd[@]}" -o "$tmp/bad.h5" --share "$bad" >"$tmp/bad.out" 2>&1; then no "--share $bad accepted"
  elif grep -q "expected K/N" "$tmp/bad.out"; then ok "--share $bad refused with a clear message"
  else no "--share $bad: $(cat "$tmp/bad.out")"; fi
done
[ ! -e "$tmp/bad.h5.runs" ] && ok "a refused share made no folder" || no "a refused share made a folder"
[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
