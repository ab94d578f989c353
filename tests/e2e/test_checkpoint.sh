#!/usr/bin/env bash
# Checkpoints as a user meets them (sim/run/checkpoint.hpp): a run with
# --checkpoint-every killed part-way (SIGKILL: no chance to tidy up) and carried
# on with `sgsim run --resume FILE` writes the run file of the uninterrupted run,
# bit for bit; a checkpoint that is damaged, not a checkpoint, or no longer
# matches its scenario is refused with a clear error and a non-zero exit; an
# existing checkpoint is never overwritten unasked.
source "$(dirname "$0")/checks.sh"

copy_metropolitan
args=(run "$tmp/base.yaml" --set population.children=60000 --set run.days=730 --set run.burn_in_days=365 -r 2 -j 1 --events)

"$sgsim" "${args[@]}" -o "$tmp/whole.h5" >/dev/null 2>&1 || no "the uninterrupted run"

# Killed soon after its first checkpoint.
"$sgsim" "${args[@]}" -o "$tmp/split.h5" --checkpoint-every 100 --checkpoint "$tmp/ck.bin" >"$tmp/a.out" 2>&1 &
job=$!
for _ in $(seq 1 1200); do  # the file appears whole (written beside it, then renamed)
  [ -e "$tmp/ck.bin" ] && break
  sleep 0.05
done
sleep 0.5
kill -KILL "$job" 2>/dev/null; wait "$job" 2>/dev/null
[ -e "$tmp/ck.bin" ] && ok "a checkpoint was written before the kill" || no "no checkpoint file"
[ ! -e "$tmp/split.h5" ] && ok "the killed run left no run file" || no "a killed run left a run file"
cp "$tmp/ck.bin" "$tmp/ck-copy.bin"

# Not overwritten unasked.
"$sgsim" "${args[@]}" -o "$tmp/other.h5" --checkpoint-every 100 --checkpoint "$tmp/ck.bin" >"$tmp/b.out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q "resume" "$tmp/b.out" && cmp -s "$tmp/ck.bin" "$tmp/ck-copy.bin" \
  && ok "an existing checkpoint is refused, not overwritten ($(head -1 "$tmp/b.out"))" || no "existing checkpoint: rc $rc $(cat "$tmp/b.out")"

# Damaged: cut short, a flipped byte, not a checkpoint.
head -c $(( $(stat -c %s "$tmp/ck.bin") / 2 )) "$tmp/ck.bin" > "$tmp/short.bin"
cp "$tmp/ck.bin" "$tmp/flip.bin"
printf '\x55' | dd of="$tmp/flip.bin" bs=1 seek=$(( $(stat -c %s "$tmp/ck.bin") / 3 )) conv=notrunc status=none
echo "hello" > "$tmp/text.bin"
for f in short flip text; do
  "$sgsim" run --resume "$tmp/$f.bin" >"$tmp/$f.out" 2>&1
  rc=$?
  if [ $rc -eq 2 ] && grep -Eq "damaged|not an sgsim checkpoint" "$tmp/$f.out"; then ok "$f checkpoint refused: $(tail -1 "$tmp/$f.out")"
  else no "$f checkpoint: rc $rc, $(cat "$tmp/$f.out")"; fi
done
[ ! -e "$tmp/split.h5" ] && ok "a refused resume writes nothing" || no "a refused resume wrote a run file"

# Mismatched: the scenario file edited since the checkpoint.
cp "$tmp/base.yaml" "$tmp/base.yaml.keep"
printf 'front_door:\n  thresholds:\n    referral: 3\n' >> "$tmp/base.yaml"
"$sgsim" run --resume "$tmp/ck.bin" >"$tmp/m.out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "no longer makes" "$tmp/m.out" && ok "a checkpoint whose scenario changed is refused" || no "mismatch: rc $rc $(cat "$tmp/m.out")"
cp "$tmp/base.yaml.keep" "$tmp/base.yaml"

# Resumed (with another thread count): the uninterrupted run's file.
if "$sgsim" run --resume "$tmp/ck.bin" -j 2 >"$tmp/r.out" 2>&1; then ok "the run resumes: $(grep resuming "$tmp/r.out" | tail -1)"
else no "resume failed: $(cat "$tmp/r.out")"; fi
$same "$tmp/whole.h5" "$tmp/split.h5" && ok "killed and resumed gives the uninterrupted run's file, bit for bit" || no "resumed run differs"
[ ! -e "$tmp/ck.bin" ] && [ ! -e "$tmp/split.h5.runs" ] && ok "the checkpoint and runs folder are gone once the run file is written" \
  || no "checkpoint or runs folder left behind"
# The comparison can fail.
"$sgsim" "${args[@]}" --seed 5 -o "$tmp/seed5.h5" >/dev/null 2>&1
$same "$tmp/whole.h5" "$tmp/seed5.h5" >/dev/null && no "h5_same cannot tell two seeds apart" || ok "another seed's file differs (the check can fail)"

[ $fails -eq 0 ] && echo "all checkpoint checks passed" || echo "$fails checkpoint check(s) failed"
exit $fails
