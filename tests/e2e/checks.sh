# Sourced first by the end-to-end shell tests, which are called as
# `test_x.sh SGSIM ROOT` (tests/CMakeLists.txt): the program, the source tree, a
# scratch folder removed on exit, the run-file comparison, and TAP-like checks
# that count failures.
set -uo pipefail
sgsim="$1"; root=$(cd "$2" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
same="/usr/bin/python3 $root/tests/e2e/h5_same.py"
fails=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fails=$((fails + 1)); }

# The metropolitan example as $tmp/base.yaml, its `extends:` made absolute.
copy_metropolitan() {
  cp "$root/scenarios/local/metropolitan.yaml" "$tmp/base.yaml"
  sed -i "s|extends: *\(.*\)|extends: $root/scenarios/local/\1|" "$tmp/base.yaml"
}
