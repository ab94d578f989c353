"""Export an sgsim run file for R, spreadsheets and local-authority tools.

    python3 -m analysis.export OUT.h5 --csv DIR        long-format ("tidy") CSV tables
    python3 -m analysis.export OUT.h5 --ssda903 DIR    SSDA903-shaped header and episode files
    python3 -m analysis.export OUT.h5 --cin DIR        CIN-census-shaped records

(`sgsim export` runs this.) The tables and their columns are documented in
docs/output.md ("Exports"). The SSDA903 and CIN census exports are built from the
event log, so the run must have been made with --events.

Files are written into a fresh temporary folder inside DIR and moved into place
only when every one is complete, so an interrupted export leaves nothing that
looks finished; a file that already exists is replaced only with --force.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import returns
from analysis.runfile import RunFileError, open_run

FLOAT_FORMAT = "%.17g"  # enough digits that every double reads back exactly


class ExportError(Exception):
    """The export cannot be made (an existing file, no event log, ...)."""


def _write(frames, path: Path) -> None:
    """A frame, or an iterable of frames written one after another under one header
    (so that a large table never has to be held in memory whole)."""
    if isinstance(frames, pd.DataFrame):
        frames = [frames]
    first = True
    for frame in frames:
        frame.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n", mode="w" if first else "a",
                     header=first)
        first = False


# -- long-format CSV --------------------------------------------------------------


def _chosen(run, scenario: str, only):
    """The scenario's metrics, or those named in `only` (an unknown name is an error)."""
    metrics = run.metrics(scenario)
    if not only:
        return metrics
    known = {m.name: m for m in metrics}
    for name in only:
        if name not in known:
            hint = difflib.get_close_matches(name, list(known), n=1)
            raise RunFileError(f"--metrics: scenario '{scenario}' has no metric '{name}'"
                               + (f" (did you mean '{hint[0]}'?)" if hint else "")
                               + "; `python3 -m analysis.runfile FILE` lists them")
    return [known[n] for n in dict.fromkeys(only)]  # each once, in the order given


def timeseries_frames(run, scenario: str, only=None):
    """scenario, replicate, day, date, metric, value: one row per metric, replicate and
    day; one frame per metric."""
    days = run.days(scenario)
    dates = run.dates(scenario).astype(str)
    for m in _chosen(run, scenario, only):
        x = run.timeseries(scenario, m.name)  # [replicate x day]
        reps, n = x.shape
        yield pd.DataFrame(
            {
                "scenario": scenario,
                "replicate": np.repeat(np.arange(reps), n),
                "day": np.tile(days, reps),
                "date": np.tile(dates, reps),
                "metric": m.name,
                "value": x.reshape(-1),
            }
        )


def summary_frame(run, scenario: str, only=None) -> pd.DataFrame:
    rows = []
    metrics = {m.name: m for m in _chosen(run, scenario, only)}
    names = list(metrics) + ([] if only else ["child_days", "wall_seconds"])
    for name in names:
        v = run.summary(scenario, name)
        m = metrics.get(name)
        rows.append(
            pd.DataFrame(
                {
                    "scenario": scenario,
                    "replicate": np.arange(v.size),
                    "metric": name,
                    "value": v,
                    "unit": run.summary_unit(scenario, name),
                    "statistic": m.statistic if m else "",
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def metrics_frame(run) -> pd.DataFrame:
    rows = []
    for s in run.scenarios:
        for m in run.metrics(s):
            rows.append({"scenario": s, "metric": m.name, "kind": m.kind, "unit": m.unit,
                         "summary_unit": m.summary_unit, "meaning": m.meaning})
    return pd.DataFrame(rows)


def headlines_frame(run) -> pd.DataFrame:
    rows = []
    for h in run.headlines():
        for k, s in enumerate(h["scenarios"]):
            row = {"scenario": s, "headline": h["name"], "label": h["label"], "unit": h["unit"]}
            for col in ("n", "mean", "sd", "ci_low", "ci_high", "difference", "difference_sd",
                        "difference_ci_low", "difference_ci_high", "replicates_needed"):
                row[col] = h[col][k]
            rows.append(row)
    return pd.DataFrame(rows)


def sweep_frame(run) -> pd.DataFrame | None:
    sweep = run.sweep()
    if sweep is None:
        return None
    rows = []
    for point, values in zip(sweep["points"], sweep["values"]):
        for p, v in zip(sweep["parameters"], values):
            rows.append({"scenario": point, "parameter": p, "value": v})
    return pd.DataFrame(rows)


def provenance_frame(run) -> pd.DataFrame:
    return pd.DataFrame([{"key": k, "value": v} for k, v in sorted(run.provenance.items())])


def csv_tables(run, only=None):
    """(file name, frame) pairs of the long-format export (`only`: just these metrics)."""
    yield "timeseries.csv", (f for s in run.scenarios for f in timeseries_frames(run, s, only))
    yield "summary.csv", pd.concat([summary_frame(run, s, only) for s in run.scenarios], ignore_index=True)
    yield "metrics.csv", metrics_frame(run)
    yield "headlines.csv", headlines_frame(run)
    sweep = sweep_frame(run)
    if sweep is not None:
        yield "sweep.csv", sweep
    yield "provenance.csv", provenance_frame(run)


# -- writing a folder safely -------------------------------------------------------


def write_folder(target: Path, files, force: bool) -> list[Path]:
    """Write (relative name, frame) pairs into `target`, all or nothing: a failure
    while writing leaves `target` as it was (and removes it if this made it). With
    --force, files of the same names are replaced; others already there are left."""
    made = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".sgsim-export-", dir=target))
    written = []
    ok = False
    try:
        for name, frame in files:
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            _write(frame, path)
            written.append(Path(name))
        clashes = [n for n in written if (target / n).exists()]
        if clashes and not force:
            raise ExportError(
                f"{target / clashes[0]} already exists ({len(clashes)} file(s) would be replaced); "
                "use --force to replace them"
            )
        for n in written:
            (target / n).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / n, target / n)
        ok = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if made and not ok:
            shutil.rmtree(target, ignore_errors=True)
    return [target / n for n in written]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python3 -m analysis.export",
        description="Export an sgsim run file as long-format CSV, SSDA903-shaped episode files or "
        "CIN-census-shaped records (docs/output.md, 'Exports').",
    )
    p.add_argument("file", help="an sgsim run file (HDF5)")
    p.add_argument("--csv", metavar="DIR", help="write the long-format CSV tables into DIR")
    p.add_argument("--ssda903", metavar="DIR", help="write SSDA903 header and episode files into DIR/<scenario>/rep<k>/")
    p.add_argument("--cin", metavar="DIR", help="write CIN census records into DIR/<scenario>/rep<k>/")
    p.add_argument("--metrics", metavar="A,B,...",
                   help="only these metrics in timeseries.csv and summary.csv (every daily value of every metric "
                   "is about 75 bytes a row: 1 GB for a 15-point sweep of 5 years)")
    p.add_argument("--force", action="store_true", help="replace files that already exist")
    a = p.parse_args(argv)
    only = [m for m in (a.metrics or "").split(",") if m]
    if not (a.csv or a.ssda903 or a.cin):
        p.error("nothing to do: give --csv DIR, --ssda903 DIR and/or --cin DIR")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            run = open_run(a.file)
        with run:
            # Everything that can be checked is checked before anything is written.
            if a.ssda903 or a.cin:
                for s in run.scenarios:
                    returns.require_events(run, s)
            if only:
                for s in run.scenarios:
                    _chosen(run, s, only)
            if a.csv:
                out = write_folder(Path(a.csv), csv_tables(run, only), a.force)
                print(f"wrote {len(out)} CSV table(s) to {a.csv}")
            if a.ssda903:
                out = write_folder(Path(a.ssda903), returns.ssda903_files(run), a.force)
                print(f"wrote {len(out)} SSDA903 file(s) to {a.ssda903}")
            if a.cin:
                out = write_folder(Path(a.cin), returns.cin_files(run), a.force)
                print(f"wrote {len(out)} CIN census file(s) to {a.cin}")
    except (RunFileError, ExportError, returns.ReturnsError) as e:
        print(f"analysis.export: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"analysis.export: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
