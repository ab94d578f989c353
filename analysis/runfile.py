"""Read an sgsim run file (HDF5) with numpy and h5py only.

An sgsim run file is written by ``sgsim run SCENARIO -o OUT.h5``. It is written
under a hidden temporary name and renamed into place only when complete, and
its root attribute ``complete`` is 1 only once everything has been written, so
a file with ``complete`` = 0 (or missing) is from a run that did not finish.

Layout (schema ``sgsim-run/1``)::

    /                                   root attributes: the run's provenance
        complete            1 when the file was finished (int)
        program, program_version, git_revision, schema
        command_line        the sgsim command that wrote the file
        started_at, finished_at   UTC, ISO 8601
        threads, scale, seed, replicates
    /scenarios/<name>/                  one group per scenario; attributes:
        resolved_scenario   the scenario fully resolved, as YAML (enough to re-run it)
        start_date          first simulated day, YYYY-MM-DD
        days, replicates, seed
        measure_days        length of the window at the end of the run over
                            which the summaries are taken
    /scenarios/<name>/timeseries/day          [day]  day index, 0 = start_date
    /scenarios/<name>/timeseries/<metric>     [replicate x day]  float64
        attributes: unit, meaning, kind ("flow": counted over each day, e.g.
        births; "stock": level at the end of each day, e.g. population)
    /scenarios/<name>/summary/<metric>        [replicate]  float64
        a stock: its mean over the last measure_days days;
        a flow: its total over the last measure_days days, per year
        (sum x 365.25 / measure_days).
        attributes: unit, meaning, statistic
    /scenarios/<name>/summary/child_days      [replicate]  child-days simulated
    /scenarios/<name>/summary/wall_seconds    [replicate]  run time (differs between runs)
    /scenarios/<name>/events                  the event log, only with --events
    /scenarios/<name>/authorities/            a national run: code, name, region, x_km, y_km,
                                              summary/<metric> [replicate x authority]

Use::

    from analysis.runfile import open_run
    with open_run("out.h5") as run:
        print(run.provenance["command_line"])
        for s in run.scenarios:
            pop = run.timeseries(s, "population")   # numpy [replicate x day]
            t = run.dates(s)                        # numpy datetime64[D] [day]
            births = run.summary(s, "births")       # numpy [replicate], per year

or from the shell, a table of the summaries (mean over replicates)::

    python3 -m analysis.runfile out.h5
    python3 -m analysis.runfile national.h5 --authorities cla_open,caseload_mean
"""

from __future__ import annotations

import argparse
import difflib
import sys
import warnings
from dataclasses import dataclass

import h5py
import numpy as np

__all__ = ["open_run", "RunFile", "Metric", "IncompleteRunError", "RunFileError", "main"]

DAYS_PER_YEAR = 365.25


class RunFileError(Exception):
    """The file is not a readable sgsim run file, or a name is not in it."""


class IncompleteRunError(RunFileError):
    """The run file's `complete` attribute is not 1: the run did not finish."""


@dataclass(frozen=True)
class Metric:
    """One daily metric of a scenario.

    unit is the unit of the daily series as stored in the file;
    summary_unit and statistic describe /summary/<name>.
    """

    name: str
    kind: str  # "flow" or "stock"
    meaning: str
    unit: str
    summary_unit: str
    statistic: str


def _py(value):
    """An HDF5 attribute value as a plain Python value."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SO":
            return [_py(v) for v in value.tolist()]
        return value.tolist()
    if isinstance(value, np.generic):
        return _py(value.item())
    return value


def _attrs(obj) -> dict:
    return {k: _py(v) for k, v in obj.attrs.items()}


def _unknown(what: str, name: str, known) -> RunFileError:
    known = sorted(known)
    hint = difflib.get_close_matches(name, known, n=1)
    msg = f"no {what} '{name}'"
    if hint:
        msg += f" (did you mean '{hint[0]}'?)"
    return RunFileError(f"{msg}; available: {', '.join(known) if known else 'none'}")


class RunFile:
    """An open sgsim run file. Use open_run(); close() or use as a context manager."""

    def __init__(self, path, allow_incomplete: bool = False):
        self.path = str(path)
        try:
            self._f = h5py.File(self.path, "r")
        except OSError as e:
            raise RunFileError(f"{self.path}: cannot open as HDF5: {e}") from None
        try:
            self.provenance: dict = _attrs(self._f)
            self.complete: bool = self.provenance.get("complete") == 1
            if "scenarios" not in self._f:
                raise RunFileError(f"{self.path}: not an sgsim run file (no /scenarios group)")
            # In the order sgsim ran them (the baseline first): HDF5 lists groups by name.
            written = list(self._f["scenarios"].keys())
            order = []
            if "headlines" in self._f and "scenarios" in self._f["headlines"]:
                order = [_py(x) for x in self._f["headlines"]["scenarios"][()]]
            self.scenarios: list[str] = [s for s in order if s in written] + [s for s in written if s not in order]
            if not self.complete:
                msg = (
                    f"{self.path} is incomplete (root attribute complete = "
                    f"{self.provenance.get('complete', 'missing')}): the run that wrote it did not finish"
                )
                if not allow_incomplete:
                    raise IncompleteRunError(msg + "; pass allow_incomplete=True to read it anyway")
                warnings.warn(msg, RuntimeWarning, stacklevel=3)
        except BaseException:
            self._f.close()
            raise

    # -- housekeeping
    def close(self) -> None:
        self._f.close()

    def __enter__(self) -> "RunFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "complete" if self.complete else "INCOMPLETE"
        return f"<RunFile {self.path!r} {state} scenarios={self.scenarios}>"

    # -- lookups
    def _group(self, scenario: str) -> h5py.Group:
        if scenario not in self.scenarios:
            raise _unknown("scenario", scenario, self.scenarios)
        return self._f["scenarios"][scenario]

    def _dataset(self, scenario: str, part: str, metric: str) -> h5py.Dataset:
        g = self._group(scenario)
        if part not in g:
            raise RunFileError(f"{self.path}: scenario '{scenario}' has no {part} group")
        if metric not in g[part]:
            names = [n for n in g[part].keys() if n != "day"]
            raise _unknown(f"{part} metric in scenario '{scenario}':", metric, names)
        return g[part][metric]

    # -- scenario metadata
    def scenario_attrs(self, scenario: str) -> dict:
        """The scenario group's attributes: start_date, days, replicates, seed,
        measure_days and resolved_scenario."""
        return _attrs(self._group(scenario))

    def resolved_scenario(self, scenario: str) -> str:
        """The fully resolved scenario (YAML text) the run used; `sgsim validate`
        accepts it, and `sgsim run` on it reproduces the run (with the same -r/--scale)."""
        return str(self.scenario_attrs(scenario)["resolved_scenario"])

    def start_date(self, scenario: str) -> np.datetime64:
        return np.datetime64(self.scenario_attrs(scenario)["start_date"], "D")

    def measure_days(self, scenario: str) -> int:
        """Days at the end of the run over which the summaries are taken."""
        return int(self.scenario_attrs(scenario)["measure_days"])

    def days(self, scenario: str) -> np.ndarray:
        """Day index of each column of a time series (0 = start_date)."""
        g = self._group(scenario)
        if "timeseries" in g and "day" in g["timeseries"]:
            return np.asarray(g["timeseries"]["day"][()], dtype=np.int64)
        return np.arange(int(g.attrs["days"]), dtype=np.int64)

    def dates(self, scenario: str) -> np.ndarray:
        """Calendar date of each column of a time series, as numpy datetime64[D]."""
        return self.start_date(scenario) + self.days(scenario).astype("timedelta64[D]")

    def metrics(self, scenario: str) -> list[Metric]:
        """The daily metrics of a scenario (sorted by name), with unit, meaning and kind."""
        g = self._group(scenario)
        out = []
        for name, ds in g["timeseries"].items():
            if name == "day":
                continue
            a = _attrs(ds)
            s = _attrs(g["summary"][name]) if "summary" in g and name in g["summary"] else {}
            out.append(
                Metric(
                    name=name,
                    kind=str(a.get("kind", "")),
                    meaning=str(a.get("meaning", "")),
                    unit=str(a.get("unit", "")),
                    summary_unit=str(s.get("unit", "")),
                    statistic=str(s.get("statistic", "")),
                )
            )
        return out

    # -- data
    def timeseries(self, scenario: str, metric: str) -> np.ndarray:
        """Daily values of a metric: float64 array [replicate x day]."""
        if metric == "day":
            raise RunFileError("'day' is the day index, not a metric: use days() or dates()")
        data = np.asarray(self._dataset(scenario, "timeseries", metric)[()], dtype=np.float64)
        return data.reshape(1, -1) if data.ndim == 1 else data

    def summary(self, scenario: str, metric: str) -> np.ndarray:
        """A metric's summary per replicate: float64 array [replicate].

        A stock: mean over the last measure_days days. A flow: total over the
        last measure_days days x 365.25 / measure_days (per year). Also
        child_days and wall_seconds."""
        return np.asarray(self._dataset(scenario, "summary", metric)[()], dtype=np.float64).reshape(-1)

    def _authorities_group(self, scenario: str):
        g = self._group(scenario)
        if "authorities" not in g:
            raise RunFileError(f"{self.path}: scenario '{scenario}' is not a national run (no authorities group)")
        return g["authorities"]

    def authorities(self, scenario: str) -> dict:
        """A national run's authorities (docs/authorities.md): arrays code, name,
        region, x_km, y_km, one entry per authority in table order."""
        a = self._authorities_group(scenario)
        out = {k: np.array([_py(x) for x in a[k][()]]) for k in ("code", "name", "region")}
        out.update({k: np.asarray(a[k][()], dtype=np.float64) for k in ("x_km", "y_km")})
        return out

    def authority_summary(self, scenario: str, metric: str) -> np.ndarray:
        """Each authority's summary of a metric over the measurement window, as
        summary(): float64 array [replicate x authority]."""
        s = self._authorities_group(scenario)["summary"]
        if metric not in s:
            raise RunFileError(f"{self.path}: scenario '{scenario}' has no metric '{metric}'")
        return np.asarray(s[metric][()], dtype=np.float64)

    def summary_unit(self, scenario: str, metric: str) -> str:
        return str(_py(self._dataset(scenario, "summary", metric).attrs.get("unit", "")))


    # -- experiments: headlines, sweeps
    @property
    def experiment(self) -> str:
        """'run', 'compare' (the first scenario is the baseline) or 'sweep'."""
        return str(self.provenance.get("experiment", "run"))

    def headlines(self) -> list[dict]:
        """The headline outcomes of every scenario against the first, in display order.

        Each is a dict with name, label, metric, denominator, factor, unit,
        higher_is_worse, scenarios, and numpy arrays over scenarios: n, mean, sd,
        ci_low, ci_high, difference, difference_sd, difference_ci_low,
        difference_ci_high, replicates_needed (docs/statistics.md)."""
        if "headlines" not in self._f:
            return []
        g = self._f["headlines"]
        scenarios = [_py(x) for x in g["scenarios"][()]]
        out = []
        for name in str(_py(g.attrs.get("order", ""))).split(","):
            if not name or name not in g:
                continue
            h = g[name]
            d = {"name": name, "scenarios": scenarios, **_attrs(h)}
            for k, ds in h.items():
                d[k] = np.asarray(ds[()], dtype=np.float64)
            out.append(d)
        return out

    def headline_values(self, scenario: str, headline: dict) -> np.ndarray:
        """One value per replicate of a headline, from the summaries (as sgsim computes it)."""
        x = self.summary(scenario, headline["metric"])
        if headline.get("denominator"):
            y = self.summary(scenario, headline["denominator"])
            x = np.divide(x, y, out=np.zeros_like(x), where=y > 0)
        return x * float(headline.get("factor", 1.0))

    def sweep(self) -> dict | None:
        """A sweep's grid: parameters, points (scenario names) and values [point x parameter]."""
        if "sweep" not in self._f:
            return None
        g = self._f["sweep"]
        return {
            "parameters": [_py(x) for x in g["parameters"][()]],
            "points": [_py(x) for x in g["points"][()]],
            "values": np.asarray(g["values"][()], dtype=np.float64).reshape(len(g["points"]), -1),
        }

    # -- the event log (runs made with --events)
    def has_events(self, scenario: str) -> bool:
        return "events" in self._group(scenario)

    def events(self, scenario: str) -> np.ndarray:
        """The event log as a numpy structured array (replicate, day, child, kind,
        agency, detail), in the order written (by replicate, then day)."""
        g = self._group(scenario)
        if "events" not in g:
            raise RunFileError(f"{self.path}: scenario '{scenario}' has no event log; re-run with --events")
        return g["events"][()]

    def event_kinds(self, scenario: str) -> list[str]:
        return [_py(x) for x in self._group(scenario)["event_kinds"][()]]

    def agencies(self, scenario: str) -> list[str]:
        return [_py(x) for x in self._group(scenario)["agencies"][()]]

    def event_codes(self, scenario: str) -> dict:
        """The vocabularies event details index, as the model declares them: list name ->
        list of names (placement_type, placement_ssda903, legal_status_ssda903, status, ...)."""
        g = self._group(scenario)
        if "event_codes" not in g:
            raise RunFileError(f"{self.path}: scenario '{scenario}' has no event codes; re-run with --events")
        return {k: [_py(x) for x in v[()]] for k, v in g["event_codes"].items()}

    def event_children(self, scenario: str) -> dict:
        """Who the children in the event log are: arrays replicate, child, birth_day, sex."""
        g = self._group(scenario)
        if "event_children" not in g:
            raise RunFileError(f"{self.path}: scenario '{scenario}' has no event_children; re-run with --events")
        return {k: np.asarray(v[()]) for k, v in g["event_children"].items()}


def open_run(path, allow_incomplete: bool = False) -> RunFile:
    """Open an sgsim run file for reading.

    Raises IncompleteRunError if the run did not finish (root attribute
    complete != 1); with allow_incomplete=True it warns instead and the
    object's .complete is False."""
    return RunFile(path, allow_incomplete=allow_incomplete)


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return str(x)
    if x != 0 and (abs(x) >= 1e9 or abs(x) < 1e-3):
        return f"{x:.4g}"
    return f"{x:,.2f}" if abs(x) < 100 else f"{x:,.1f}"


def _print_authorities(run: RunFile, scenario: str, metrics: list) -> None:
    """One row per authority: its metrics (mean over replicates) and, for a
    count other than population, the rate per 10,000 children."""
    who = run.authorities(scenario)
    pop = run.authority_summary(scenario, "population").mean(axis=0)
    cols, values = [], []
    units = {m.name: m.summary_unit for m in run.metrics(scenario)}
    for m in metrics:
        v = run.authority_summary(scenario, m).mean(axis=0)
        cols.append(m)
        values.append([_fmt(x) for x in v])
        rate = m != "population" and units.get(m, "").split(" ")[0] in ("children", "events", "referrals", "contacts")
        if rate:
            cols.append(f"{m} per 10k")
            values.append([_fmt(x / p * 1e4) if p > 0 else "-" for x, p in zip(v, pop)])
    head = ["code", "name", "region"] + cols
    rows = [[str(who["code"][i]), str(who["name"][i]), str(who["region"][i])] + [c[i] for c in values]
            for i in range(len(who["code"]))]
    widths = [max(len(r[k]) for r in rows + [head]) for k in range(len(head))]
    print(f"\n{scenario}: {len(rows)} authorities")
    print("  ".join(h.ljust(w) if k < 3 else h.rjust(w) for k, (h, w) in enumerate(zip(head, widths))))
    for r in rows:
        print("  ".join(x.ljust(w) if k < 3 else x.rjust(w) for k, (x, w) in enumerate(zip(r, widths))))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python3 -m analysis.runfile",
        description="Print the summaries of an sgsim run file: for each scenario and metric, "
        "the mean over replicates of the summary over the measurement window. "
        "Exits 1 if the file cannot be read or the run did not finish.",
    )
    p.add_argument("file", help="an sgsim run file (HDF5)")
    p.add_argument("-s", "--scenario", action="append", help="only this scenario (repeatable)")
    p.add_argument("--allow-incomplete", action="store_true", help="read a file from a run that did not finish")
    p.add_argument("--authorities", metavar="M1,M2", help="a national run: one row per authority with these metrics "
                   "(mean over replicates, and per 10,000 children for counts) instead of the summary table")
    a = p.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reported below instead
            run = open_run(a.file, allow_incomplete=a.allow_incomplete)
    except RunFileError as e:
        print(f"analysis.runfile: error: {e}", file=sys.stderr)
        return 1
    with run:
        pv = run.provenance
        state = "complete" if run.complete else "INCOMPLETE (the run did not finish)"
        print(f"{run.path}: {pv.get('program', '?')} {pv.get('program_version', '?')} "
              f"({pv.get('git_revision', '?')}), {state}")
        print(f"  {pv.get('command_line', '')}")
        print(f"  started {pv.get('started_at', '?')}, finished {pv.get('finished_at', '?')}, "
              f"scale {pv.get('scale', '?')}")
        try:
            names = a.scenario or run.scenarios
            for s in names:
                run.scenario_attrs(s)  # a clear error for an unknown name
        except RunFileError as e:
            print(f"analysis.runfile: error: {e}", file=sys.stderr)
            return 1
        if a.authorities:
            try:
                for s in names:
                    _print_authorities(run, s, [m for m in a.authorities.split(",") if m])
            except RunFileError as e:
                print(f"analysis.runfile: error: {e}", file=sys.stderr)
                return 1
            return 0 if run.complete else 1
        rows = []
        for s in names:
            sa = run.scenario_attrs(s)
            for m in run.metrics(s):
                v = run.summary(s, m.name)
                rows.append((s, m.name, _fmt(float(np.mean(v))) if v.size else "-", m.summary_unit))
            print(f"\n{s}: {sa.get('replicates')} replicate(s) of {sa.get('days')} days from "
                  f"{sa.get('start_date')}; summaries over the last {sa.get('measure_days')} days")
        header = ("scenario", "metric", "mean", "unit")
        widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
        print()
        print(f"{header[0]:<{widths[0]}}  {header[1]:<{widths[1]}}  {header[2]:>{widths[2]}}  {header[3]}")
        print(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * widths[2]}  {'-' * widths[3]}")
        for r in rows:
            print(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}")
    return 0 if run.complete else 1


if __name__ == "__main__":
    sys.exit(main())
