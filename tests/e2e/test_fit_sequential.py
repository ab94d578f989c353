#!/usr/bin/python3
"""The sequential calibration search (analysis/fit_calibration.py, --sequential)
against a model whose answer is known.

    /usr/bin/python3 tests/e2e/test_fit_sequential.py SOURCE-DIR

Run by CTest as analysis.fit_sequential (tests/CMakeLists.txt). The stand-in for
sgsim gives each target row log(simulated / target) = slope × (log knob − log
optimum) for the row's own knob group, plus a coupling to every other group's
distance from its optimum (as referrals move everything after them), so the
search has to sweep more than once. Checks that the search gets every row
within the tolerance and sweeps again to do it, that a knob whose row cannot be
reached stops at its bound (a probability at 1), and that a start already
within the tolerance is left alone after one run. Prints
"ok - ..." / "not ok - ..." per check; exits 1 if any failed.
"""
import math
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else ".")

from analysis import fit_calibration as fc  # noqa: E402

failed = 0


def check(ok, what):
    global failed
    print(("ok - " if ok else "not ok - ") + what)
    failed += not ok


class Stub:
    """Rows as a smooth function of the knobs: own slope, plus coupling."""

    def __init__(self, optimum, slopes, coupling):
        self.optimum, self.slopes, self.coupling, self.runs = optimum, slopes, coupling, 0

    def rows(self, values):
        self.runs += 1
        dist = {label: math.log(values[knobs[0]] / self.optimum[knobs[0]]) for knobs, label in fc.SEQUENTIAL}
        out = {}
        for knobs, label in fc.SEQUENTIAL:
            others = sum(d for l, d in dist.items() if l != label) / len(dist)
            gap = self.slopes[label] * dist[label] + self.coupling * others
            out[label] = {"simulated": 100.0 * math.exp(gap), "target": 100.0}
        return out


knobs = [k for group, _ in fc.SEQUENTIAL for k in group]
start = {k: 0.5 for k in knobs}  # inside every bound (probabilities are at most 1)
# Optima up to a factor of 1.6 away (a refit after a change to the front door);
# slopes of either sign, as thresholds lower the flows they gate and supply raises them.
optimum = {k: 0.5 * (1.6 if i % 3 == 0 else 0.7 if i % 3 == 1 else 1.2) for i, k in enumerate(knobs)}
slopes = {label: (-1.5 if i % 2 else 0.8) for i, (_, label) in enumerate(fc.SEQUENTIAL)}

model = Stub(optimum, slopes, coupling=2.0)
values, rows = fc.fit_sequential(model, dict(start), 0.03, 6)
worst = max(abs(math.log(r["simulated"] / r["target"])) for r in rows.values())
check(worst <= 0.03, f"every row within 3% after at most 6 sweeps (worst {worst:.4f}, {model.runs} runs)")
check(model.runs > 2 * len(fc.SEQUENTIAL), f"the coupling made it sweep again ({model.runs} runs)")
check(model.runs < 6 * 4 * len(fc.SEQUENTIAL), "no more runs than six sweeps of four per group")
own = [abs(math.log(values[g[0]] / optimum[g[0]])) for g, _ in fc.SEQUENTIAL]
check(max(own) < 0.05, f"every knob near its optimum (largest log distance {max(own):.4f})")

# A probability whose row wants it at 2: the search stops at the bound of 1.
bounded = "care.return_home.s20"
far = dict(optimum)
far[bounded] = 2.0
model = Stub(far, slopes, coupling=0.0)
values, rows = fc.fit_sequential(model, dict(start), 0.03, 3)
check(values[bounded] <= fc.UPPER[bounded] + 1e-12, f"{bounded} held at its bound ({values[bounded]:.4f} <= 1)")

# No sweep needed: the start is the optimum, so the search makes one run and stops.
model = Stub(start, slopes, coupling=0.3)
values, rows = fc.fit_sequential(model, dict(start), 0.03, 3)
check(model.runs == 1 and values == start, f"a fitted start is left alone ({model.runs} run)")

sys.exit(1 if failed else 0)
