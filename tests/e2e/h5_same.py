"""Whether two sgsim run files hold the same results: every dataset bit for bit
and every attribute equal, except the provenance that says when, how long and
how a run was made (times, command line, threads). Usage:
    /usr/bin/python3 h5_same.py A.h5 B.h5     (exit 0 if the same, 1 if not)"""
import sys

import h5py
import numpy as np

# When, how long and how: not results.
PROVENANCE = {"started_at", "finished_at", "command_line", "threads", "seconds", "wall_seconds",
              "child_days_per_second", "peak_memory_bytes"}


def items(f: h5py.File) -> dict:
    out = {}

    def visit(name, obj):
        out[name] = obj
    f.visititems(visit)
    out["/"] = f
    return out


def main(a_path: str, b_path: str) -> int:
    bad = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        ia, ib = items(a), items(b)
        if set(ia) != set(ib):
            bad.append(f"objects differ: only in A {sorted(set(ia) - set(ib))[:5]}, only in B {sorted(set(ib) - set(ia))[:5]}")
        for name in sorted(set(ia) & set(ib)):
            x, y = ia[name], ib[name]
            if isinstance(x, h5py.Dataset) and name.rsplit("/", 1)[-1] not in PROVENANCE:
                xv, yv = x[()], y[()]
                same = x.dtype == y.dtype and x.shape == y.shape and (
                    xv.tolist() == yv.tolist() if x.dtype.kind == "O" else xv.tobytes() == yv.tobytes())
                if not same:
                    bad.append(f"dataset {name} differs")
            for k in set(x.attrs) | set(y.attrs):
                if k in PROVENANCE:
                    continue
                if k not in x.attrs or k not in y.attrs:
                    bad.append(f"attribute {name}@{k} in one file only")
                elif not np.array_equal(np.asarray(x.attrs[k]), np.asarray(y.attrs[k])):
                    bad.append(f"attribute {name}@{k}: {x.attrs[k]!r} != {y.attrs[k]!r}")
    for line in bad[:20]:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
