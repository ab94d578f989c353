#!/usr/bin/env bash
# Transparent huge pages (sim/cli/huge_pages.hpp): where the kernel gives
# them on request, sgsim starts itself again once with glibc.malloc.hugetlb=1 in
# GLIBC_TUNABLES; SGSIM_HUGE_PAGES=0 and a user's own setting of the tunable are
# left alone; and the run file is the same either way.
source "$(dirname "$0")/checks.sh"

if ! grep -q '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
  echo "skip: transparent huge pages are not given on request here"
  exit 77
fi

copy_metropolitan
args=(run "$tmp/base.yaml" --set population.children=60000 --set run.days=730 --set run.burn_in_days=365 -r 2 -j 1)

# The environment the running program ended up with (after any new start).
tunables_of() {  # command... ; prints GLIBC_TUNABLES as the running process sees it
  "$@" >/dev/null 2>&1 &
  local job=$! seen="" now
  while kill -0 "$job" 2>/dev/null; do  # the last value seen is the one after any new start
    now=$(tr '\0' '\n' < "/proc/$job/environ" 2>/dev/null | grep '^GLIBC_TUNABLES=' || true)
    [ -n "$now" ] && seen="$now"
    sleep 0.05
  done
  wait "$job"
  echo "${seen#GLIBC_TUNABLES=}"
}

t=$(tunables_of "$sgsim" "${args[@]}" -o "$tmp/huge.h5")
[ "$t" = "glibc.malloc.hugetlb=1" ] && ok "started again with huge pages" || no "started again with huge pages (saw '$t')"
t=$(SGSIM_HUGE_PAGES=0 tunables_of "$sgsim" "${args[@]}" -o "$tmp/small.h5")
[ -z "$t" ] && ok "SGSIM_HUGE_PAGES=0 leaves the environment alone" || no "SGSIM_HUGE_PAGES=0 (saw '$t')"
t=$(GLIBC_TUNABLES=glibc.malloc.hugetlb=0 tunables_of "$sgsim" "${args[@]}" -o "$tmp/user.h5")
[ "$t" = "glibc.malloc.hugetlb=0" ] && ok "a user's own setting is kept" || no "a user's own setting (saw '$t')"
# (glibc rewrites the variable as it reads it, so what it shows after a new start
# with other tunables is not the string sgsim set; that they are kept is what counts.)
t=$(GLIBC_TUNABLES=glibc.malloc.arena_max=2 tunables_of "$sgsim" "${args[@]}" -o "$tmp/other.h5")
case "$t" in *glibc.malloc.arena_max=2*) ok "other tunables are kept" ;; *) no "other tunables (saw '$t')" ;; esac

for f in huge small user other; do [ -s "$tmp/$f.h5" ] || no "$f.h5 written"; done
$same "$tmp/huge.h5" "$tmp/small.h5" && ok "the same run file with and without huge pages" || no "the same run file with and without huge pages"

exit $((fails > 0))
