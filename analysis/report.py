"""One self-contained HTML report of an sgsim run file.

    python3 -m analysis.report OUT.h5 -o report.html      (or: sgsim report OUT.h5 -o report.html)

The report shows, in order: the scenarios compared; the headline outcomes of
each option against the baseline with paired 95% intervals (the numbers sgsim
computed and stored in the file, docs/statistics.md); a chart of those
differences; daily time series with a band across replicates; costs; a sweep's
grid as heat maps; and, at the end, every scenario fully resolved and the run's
provenance, so the page alone says how to reproduce it. Plots are inline SVG
(matplotlib), so the file needs nothing else to open.
"""

from __future__ import annotations

import argparse
import html
import io
import os
import sys
import tempfile
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from analysis.runfile import DAYS_PER_YEAR, RunFileError, open_run  # noqa: E402

ROLLING_DAYS = 28  # a flow's daily count is shown as a 28-day rolling rate per year: four weeks smooths weekdays
PLOT_EVERY_DAYS = 7  # time series are drawn at one point a week
BAND = (10, 90)  # the band drawn across replicates, in percentiles
SWEEP_HEADLINES = 4  # heat maps drawn for a sweep: the first few headlines
COLOURS = plt.rcParams["axes.prop_cycle"].by_key()["color"]

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#1d2733;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:2px solid #dde3ea;padding-bottom:.2em}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{padding:.3em .6em;border-bottom:1px solid #e3e8ee;
text-align:right}th:first-child,td:first-child{text-align:left}thead th{background:#f3f6f9}
td.better{background:#e3f4e6}td.worse{background:#fbe4e2}td.unclear{color:#5c6773}
.note{color:#5c6773;font-size:.9em}pre{background:#f6f8fa;padding:1em;overflow-x:auto;font-size:.8em}
figure{margin:1em 0}figcaption{color:#5c6773;font-size:.9em}details{margin:.5em 0}
"""

# Checks that the page rendered and records script errors (the report test reads
# these attributes through headless Chromium's --dump-dom).
SCRIPT = """
window.addEventListener('error', function (e) {
  document.body.dataset.errors = (document.body.dataset.errors || '') + e.message + ';';
});
window.addEventListener('load', function () {
  var rows = document.querySelectorAll('#headline-table tbody tr').length;
  var plots = document.querySelectorAll('figure svg').length;
  document.body.dataset.headlineRows = rows;
  document.body.dataset.plots = plots;
  document.body.dataset.rendered = (rows > 0 && plots > 0) ? 'ok' : 'missing';
});
"""


def esc(x) -> str:
    return html.escape(str(x))


def fmt(x: float) -> str:
    if not np.isfinite(x):
        return "–"
    a = abs(x)
    if a < 1e-9:  # rounding left over from sums that cancel (as sgsim compare prints it)
        return "0"
    if a < 0.01:
        return f"{x:.2g}"
    if a < 10:
        return f"{x:.3f}"
    if a < 1e4:
        return f"{x:,.1f}"
    return f"{x:,.0f}"


def svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def figure(fig, caption: str) -> str:
    return f"<figure>{svg(fig)}<figcaption>{esc(caption)}</figcaption></figure>"


# -- sections ----------------------------------------------------------------------


def scenarios_section(run) -> str:
    rows = []
    for k, s in enumerate(run.scenarios):
        a = run.scenario_attrs(s)
        role = {"compare": "baseline" if k == 0 else "option", "sweep": "sweep point"}.get(run.experiment, "run")
        rows.append(
            f"<tr><td>{esc(s)}</td><td>{esc(role)}</td><td>{esc(a.get('source', ''))}</td><td>{a.get('replicates')}</td>"
            f"<td>{esc(a.get('start_date'))}</td><td>{a.get('days')}</td><td>{a.get('measure_days')}</td></tr>"
        )
    return (
        "<h2>Scenarios</h2><table><thead><tr><th>scenario</th><th>role</th><th>file</th><th>replicates</th>"
        "<th>start</th><th>days</th><th>measured over the last (days)</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
        f"<p class='note'>Every scenario ran with seed {esc(run.provenance.get('seed'))}: replicate <i>r</i> of each "
        "draws from the same random streams (common random numbers), so differences are judged replicate by "
        f"replicate. Population scale {esc(run.provenance.get('scale'))}.</p>"
    )


def _direction(h: dict, k: int) -> str:
    lo, hi = h["difference_ci_low"][k], h["difference_ci_high"][k]
    n = h["difference_n"][k] if "difference_n" in h else h["n"][k]
    if n < 2 or (lo <= 0 <= hi):
        return "unclear"
    worse = (lo > 0) == bool(h.get("higher_is_worse", 1))
    return "worse" if worse else "better"


def sweep_headline_table(run, headlines) -> str:
    """A sweep's headlines: one row per point, its parameter values, then each headline's mean."""
    sweep = run.sweep()
    params = sweep["parameters"]
    index = {s: k for k, s in enumerate(headlines[0]["scenarios"])}
    head = ("<tr><th>point</th>" + "".join(f"<th>{esc(p)}</th>" for p in params)
            + "".join(f"<th>{esc(h['label'])}<br><span class='note'>{esc(h['unit'])}</span></th>" for h in headlines)
            + "</tr>")
    rows = []
    for point, values in zip(sweep["points"], sweep["values"]):
        k = index[point]
        rows.append(f"<tr><td>{esc(point)}</td>" + "".join(f"<td>{v:g}</td>" for v in values)
                    + "".join(f"<td>{fmt(h['mean'][k])}</td>" for h in headlines) + "</tr>")
    return ("<h2>Headline outcomes</h2><div style='overflow-x:auto'><table id='headline-table'><thead>" + head
            + "</thead><tbody>" + "".join(rows) + "</tbody></table></div><p class='note'>Means per year over the "
            "measurement window; every point ran with the same seeds. Intervals are in the run file "
            "(/headlines) and `sgsim export --csv`.</p>")


def headline_section(run, headlines) -> str:
    names = run.scenarios
    if not headlines:
        return "<h2>Headline outcomes</h2><p>This run file has no headline outcomes.</p>"
    if run.sweep() is not None:
        return sweep_headline_table(run, headlines)
    compare = len(names) > 1 and run.experiment != "sweep"
    head = "<tr><th>outcome</th><th>unit</th>"
    for k, s in enumerate(names):
        head += f"<th>{esc(s)}</th>"
        if compare and k > 0:
            head += f"<th>difference</th><th>95% interval</th>"
    head += "</tr>"
    rows = []
    for h in headlines:
        r = f"<tr><td>{esc(h['label'])}</td><td>{esc(h['unit'])}</td>"
        for k in range(len(names)):
            if not compare or k == 0:
                r += f"<td>{fmt(h['mean'][k])} <span class='note'>[{fmt(h['ci_low'][k])}, {fmt(h['ci_high'][k])}]</span></td>"
                continue
            cls = _direction(h, k)
            r += (f"<td>{fmt(h['mean'][k])}</td><td class='{cls}'>{fmt(h['difference'][k])}</td>"
                  f"<td class='{cls}'>[{fmt(h['difference_ci_low'][k])}, {fmt(h['difference_ci_high'][k])}]</td>")
        rows.append(r + "</tr>")
    advice = []
    for h in headlines:
        for k in range(1, len(names)):
            n = int(h["replicates_needed"][k])
            if compare and n > 0:
                advice.append(f"<li>{esc(h['label'])}, {esc(names[k])}: about {n} replicates</li>")
    note = (
        "<p class='note'>Means per year over the measurement window, with 95% t intervals over replicates "
        "(for the baseline) and for the paired difference option − baseline. Green: the interval lies on the "
        "better side of zero; red: the worse side; grey: it includes zero.</p>"
        if compare
        else "<p class='note'>Means per year over the measurement window with 95% t intervals over replicates.</p>"
    )
    if advice:
        note += ("<details><summary>Where the interval is wider than the difference: replicates that would narrow "
                 "it to half the difference</summary><ul>" + "".join(advice) + "</ul></details>")
    return ("<h2>Headline outcomes</h2><table id='headline-table'><thead>" + head + "</thead><tbody>"
            + "".join(rows) + "</tbody></table>" + note)


def difference_chart(run, headlines) -> str:
    names = run.scenarios
    if run.experiment != "compare" or len(names) < 2 or not headlines:
        return ""
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(headlines) * (len(names) - 1) + 1.2))
    labels, y = [], 0
    ticks = []
    for h in reversed(headlines):
        base = h["mean"][0]
        for k in range(len(names) - 1, 0, -1):
            scale = 100 / abs(base) if base else np.nan  # no percentage of nothing: the point is left out
            d = h["difference"][k] * scale
            lo, hi = h["difference_ci_low"][k] * scale, h["difference_ci_high"][k] * scale
            ax.errorbar(d, y, xerr=[[d - lo], [hi - d]], fmt="o", color=COLOURS[(k - 1) % len(COLOURS)],
                        label=names[k] if h is headlines[-1] else None, capsize=3)
            ticks.append(y)
            labels.append(h["label"] if k == len(names) - 1 else "")
            y += 1
        y += 0.5
    ax.axvline(0, color="#888", lw=1)
    ax.set_yticks(ticks, labels, fontsize=8)
    ax.set_xlabel("difference from the baseline (% of the baseline mean), with 95% interval")
    ax.legend(fontsize=8, loc="best")
    ax.grid(axis="x", alpha=0.3)
    return "<h2>Differences from the baseline</h2>" + figure(
        fig, "Paired differences of each option from the baseline, as a percentage of the baseline's mean.")


def _rolling(x: np.ndarray, kind: str) -> np.ndarray:
    """Rows smoothed over ROLLING_DAYS; a flow becomes a rate per year."""
    if x.shape[1] < ROLLING_DAYS:
        return x * (DAYS_PER_YEAR if kind == "flow" else 1)
    c = np.cumsum(np.pad(x, ((0, 0), (1, 0))), axis=1)
    m = (c[:, ROLLING_DAYS:] - c[:, :-ROLLING_DAYS]) / ROLLING_DAYS
    return m * (DAYS_PER_YEAR if kind == "flow" else 1)


def timeseries_section(run, headlines) -> str:
    metrics = []
    for h in headlines:
        if h["metric"] not in metrics:
            metrics.append(h["metric"])
    kinds = {m.name: m for m in run.metrics(run.scenarios[0])}
    metrics = [m for m in metrics if m in kinds]
    if not metrics:
        return ""
    cols = 2
    rows = (len(metrics) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.6 * rows), squeeze=False)
    for i, name in enumerate(metrics):
        ax = axes[i // cols][i % cols]
        for k, s in enumerate(run.scenarios[:8]):
            x = _rolling(run.timeseries(s, name), kinds[name].kind)
            t = run.dates(s)[-x.shape[1]:]
            # One point a week is plenty at this size and keeps the page small.
            x, t = x[:, ::PLOT_EVERY_DAYS], t[::PLOT_EVERY_DAYS]
            colour = COLOURS[k % len(COLOURS)]
            ax.plot(t, x.mean(axis=0), color=colour, lw=1.2, label=s)
            if x.shape[0] > 1:
                lo, hi = np.percentile(x, BAND, axis=0)
                ax.fill_between(t, lo, hi, color=colour, alpha=0.18, lw=0)
        unit = kinds[name].unit.replace(" per day", " a year") if kinds[name].kind == "flow" else kinds[name].unit
        ax.set_title(f"{name} ({unit})", fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for j in range(len(metrics), rows * cols):
        axes[j // cols][j % cols].axis("off")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    more = " (the first eight scenarios)" if len(run.scenarios) > 8 else ""
    return "<h2>Over time</h2>" + figure(
        fig,
        f"Mean over replicates{more}; the band spans the {BAND[0]}th to {BAND[1]}th percentile across replicates. "
        f"Flows are {ROLLING_DAYS}-day rolling rates per year; stocks are {ROLLING_DAYS}-day rolling means.")


def cost_section(run) -> str:
    s0 = run.scenarios[0]
    names = [m.name for m in run.metrics(s0) if m.name.startswith("cost") or m.name.startswith("staff_cost")]
    parts = [n for n in names if n in ("cost_placements", "staff_cost", "cost_commissioning", "cost_edge_of_care",
                                       "cost_leaving_care")]
    if "cost" not in names:
        return ""
    rows = []
    for n in ["cost"] + [p for p in names if p != "cost"]:
        cells = "".join(f"<td>{fmt(float(np.mean(run.summary(s, n))))}</td>" for s in run.scenarios)
        rows.append(f"<tr><td>{esc(n)}</td>{cells}</tr>")
    head = "<tr><th>cost (£ a year, price year)</th>" + "".join(f"<th>{esc(s)}</th>" for s in run.scenarios) + "</tr>"
    out = "<h2>Costs</h2><table><thead>" + head + "</thead><tbody>" + "".join(rows) + "</tbody></table>"
    if parts and len(run.scenarios) <= 20:
        fig, ax = plt.subplots(figsize=(9, 0.5 * len(run.scenarios) + 1.2))
        left = np.zeros(len(run.scenarios))
        for i, p in enumerate(parts):
            v = np.array([np.mean(run.summary(s, p)) for s in run.scenarios]) / 1e6
            ax.barh(run.scenarios, v, left=left, label=p, color=COLOURS[i % len(COLOURS)])
            left += v
        ax.set_xlabel("£ million a year")
        ax.invert_yaxis()
        ax.legend(fontsize=8)
        out += figure(fig, "Spend by ledger, mean over replicates over the measurement window.")
    return out


def sweep_section(run, headlines) -> str:
    sweep = run.sweep()
    if sweep is None or not headlines:
        return ""
    params, values = sweep["parameters"], sweep["values"]
    index = {s: k for k, s in enumerate(headlines[0]["scenarios"])}
    rows = [index[p] for p in sweep["points"]]
    out = f"<h2>Sweep over {esc(', '.join(params))}</h2>"
    chosen = headlines[:SWEEP_HEADLINES] + [h for h in headlines if h["name"] == "cost"][:1]
    if len(params) >= 2:
        xs, ys = np.unique(values[:, 0]), np.unique(values[:, 1])
        ncols = 3
        nrows = (len(chosen) + ncols - 1) // ncols
        fig, axes = plt.subplots(nrows, ncols, figsize=(11, 3.4 * nrows), squeeze=False)
        for ax in axes.flat[len(chosen):]:
            ax.axis("off")
        for ax, h in zip(axes.flat, chosen):
            total = np.zeros((len(ys), len(xs)))
            count = np.zeros((len(ys), len(xs)))
            for r, v in zip(rows, values):
                i, j = np.searchsorted(ys, v[1]), np.searchsorted(xs, v[0])
                total[i, j] += h["mean"][r]
                count[i, j] += 1
            grid = np.divide(total, count, out=np.full_like(total, np.nan), where=count > 0)
            im = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
            ax.set_xticks(range(len(xs)), [f"{x:g}" for x in xs], fontsize=7, rotation=45)
            ax.set_yticks(range(len(ys)), [f"{y:g}" for y in ys], fontsize=7)
            ax.set_xlabel(params[0], fontsize=8)
            ax.set_ylabel(params[1], fontsize=8)
            ax.set_title(h["label"], fontsize=8)
            fig.colorbar(im, ax=ax, shrink=0.8).ax.tick_params(labelsize=7)
        fig.tight_layout()
        extra = " Further parameters are averaged over." if len(params) > 2 else ""
        out += figure(fig, f"Mean per year at each point of the grid.{extra}")
    else:
        ncols = 3
        nrows = (len(chosen) + ncols - 1) // ncols
        fig, axes = plt.subplots(nrows, ncols, figsize=(11, 3.0 * nrows), squeeze=False)
        for ax in axes.flat[len(chosen):]:
            ax.axis("off")
        order = np.argsort(values[:, 0])
        for ax, h in zip(axes.flat, chosen):
            x = values[order, 0]
            r = np.array(rows)[order]
            ax.plot(x, h["mean"][r], "o-")
            ax.fill_between(x, h["ci_low"][r], h["ci_high"][r], alpha=0.2)
            ax.set_xlabel(params[0], fontsize=8)
            ax.set_title(h["label"], fontsize=8)
            ax.tick_params(labelsize=7)
        fig.tight_layout()
        out += figure(fig, "Mean per year at each point with its 95% interval over replicates.")
    return out


def provenance_section(run) -> str:
    rows = "".join(f"<tr><td>{esc(k)}</td><td style='text-align:left'>{esc(v)}</td></tr>"
                   for k, v in sorted(run.provenance.items()))
    texts = "".join(
        f"<details><summary>{esc(s)}: resolved scenario</summary><pre>{esc(run.resolved_scenario(s))}</pre></details>"
        for s in run.scenarios)
    return ("<h2>Scenarios as run</h2><p class='note'>Every parameter with the value used; `sgsim run` on any of "
            "these texts reproduces that scenario (with the same --scale).</p>" + texts
            + "<h2>Provenance</h2><table>" + rows + "</table>")


def build_html(run) -> str:
    headlines = run.headlines()
    pv = run.provenance
    title = {"compare": "Scenario comparison", "sweep": "Parameter sweep"}.get(run.experiment, "Scenario run")
    body = (
        f"<h1>sgsim — {esc(title)}</h1>"
        f"<p class='note'>{esc(os.path.basename(run.path))}: {esc(pv.get('program'))} {esc(pv.get('program_version'))} "
        f"({esc(pv.get('git_revision'))}), finished {esc(pv.get('finished_at'))}.<br><code>{esc(pv.get('command_line'))}</code></p>"
        + scenarios_section(run)
        + headline_section(run, headlines)
        + difference_chart(run, headlines)
        + sweep_section(run, headlines)
        + timeseries_section(run, headlines)
        + cost_section(run)
        + provenance_section(run)
    )
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>sgsim — {esc(title)}</title>"
            f"<style>{CSS}</style><script>{SCRIPT}</script></head><body>{body}</body></html>\n")


def write_report(run_path: str, out_path: str, force: bool = False) -> None:
    out = Path(out_path)
    if out.exists() and not force:
        raise FileExistsError(f"{out} already exists; use --force to replace it")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = open_run(run_path)
    with run:
        text = build_html(run)
    # Written beside the target and renamed, so a failed report leaves no half page.
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent if str(out.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # an ordinary file, not mkstemp's private one
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m analysis.report",
                                description="Write one self-contained HTML report of an sgsim run file.")
    p.add_argument("file", help="an sgsim run file (HDF5), from sgsim run, compare or sweep")
    p.add_argument("-o", "--output", required=True, help="the HTML file to write")
    p.add_argument("--force", action="store_true", help="replace the HTML file if it exists")
    a = p.parse_args(argv)
    try:
        write_report(a.file, a.output, a.force)
    except (RunFileError, FileExistsError) as e:
        print(f"analysis.report: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a folder that does not exist, no permission, a full disk
        print(f"analysis.report: error: cannot write {a.output}: {e}", file=sys.stderr)
        return 1
    print(f"wrote {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
