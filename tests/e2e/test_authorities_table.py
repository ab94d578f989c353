#!/usr/bin/python3
"""The bundled authorities table is in step with the registry and its generator.

    /usr/bin/python3 tests/e2e/test_authorities_table.py SGSIM SOURCE-DIR

Run by CTest as analysis.authorities_table (tests/CMakeLists.txt).
analysis/authorities.py builds each authority's values from national ones
(a threshold times a local multiplier, the caseload cap at least the national
one); it keeps those national values as named constants, copied from the
registry (and the national posts, which --check prints beside the table's).
Checks that each copy equals the value `sgsim validate --resolved` gives for
the national baseline, and that the generator, run again, writes the bundled
CSV byte for byte, so a refit of a default or a change to the generator that
is not carried through to the table fails here. Prints "ok - ..." /
"not ok - ..." per check; exits 1 if any failed.
"""
import os
import subprocess
import sys
import tempfile

import yaml

sys.dont_write_bytecode = True
SGSIM, ROOT = sys.argv[1], sys.argv[2]
sys.path.insert(0, ROOT)

from analysis import authorities as au  # noqa: E402

failed = 0


def check(ok, what):
    global failed
    print(("ok - " if ok else "not ok - ") + what)
    failed += not ok


resolved = yaml.safe_load(subprocess.run(
    [SGSIM, "validate", "--resolved", os.path.join(ROOT, "scenarios/england.yaml")],
    check=True, capture_output=True, text=True).stdout)


def value(path):
    v = resolved
    for key in path.split("."):
        v = v[key]
    return v


COPIES = {
    "CHILDREN_TOTAL": "population.children",
    "CARE_ENGLAND": "care.initial.per_10k",
    "POSTS_ENGLAND": "workforce.posts_per_10k",
    "CASELOAD_CAP": "workforce.caseload_cap",
    "REFERRAL_THRESHOLD": "front_door.thresholds.referral",
    "S20_THRESHOLD": "care.thresholds.s20",
    "PROCEEDINGS_THRESHOLD": "care.thresholds.proceedings",
}
for name, path in COPIES.items():
    mine, theirs = getattr(au, name), value(path)
    check(mine == theirs, f"{name} = {mine} is {path} = {theirs}")

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "authorities.csv")
    au.main(["--out", out])
    with open(out, "rb") as a, open(os.path.join(ROOT, "scenarios/england/authorities.csv"), "rb") as b:
        check(a.read() == b.read(), "the generator writes scenarios/england/authorities.csv as bundled")

sys.exit(1 if failed else 0)
