"""One child's timeline, narrated (sgsim trace).

Reads the trace document `sgsim trace` makes (sim/trace/trace.hpp: the child's
events and traced decisions, and with a branch the changed timeline, where the
two part, and outcomes over many futures), prints the narrative on the terminal
and, with -o, writes one self-contained HTML page: a swimlane chart (a lane per
agency and one for the child's true state) and the narrative; with a branch,
the two timelines side by side with the divergence marked and the outcome
distributions under each branch.

    /usr/bin/python3 -m analysis.trace TRACE.json [-o trace.html] [--force]
"""
from __future__ import annotations

import argparse
import html
import json
import os
import sys
from pathlib import Path

# What happened to the child, as opposed to what agencies saw or decided.
TRUE_STATE = {"harm", "exploitation_stage", "exploitation_harm", "missing", "missing_return", "disclosure",
              "peer_recruited"}
CHILD_LANE = "child (true state)"
CARE_LANE = "children's social care"


def code(doc: dict, lst: str, i: int) -> str:
    names = doc["codes"].get(lst, [])
    return names[i].replace("_", " ") if 0 <= i < len(names) else str(i)


def decision(r: dict) -> str:
    """The numbers a traced decision rested on."""
    if "estimate" not in r:
        return ""
    return (f" (estimate {r['estimate']:.2f} against threshold {r['threshold']:.2f}; "
            f"workload {r['workload']:.2f})")


def sentence(doc: dict, r: dict) -> str:
    """One record in words. Kinds without a sentence here are told from their meaning."""
    k, d = r["kind"], r["detail"]
    who = r["agency"].replace("_", " ")
    if k == "harm":
        return f"is harmed ({code(doc, 'harm_category', d)})"
    if k == "contact":
        return f"{who} makes a contact; screened: {code(doc, 'contact_outcome', d)}"
    if k == "screening_decision":
        return f"screening decides: {code(doc, 'contact_outcome', d)}" + decision(r)
    if k == "assessment_decision":
        return ("assessment concludes: " + ["not in need", "child in need", "strategy discussion"][min(d, 2)]
                + decision(r))
    if k == "referral":
        return "contact accepted as a referral" + (" (within 12 months of the last)" if d else "")
    if k == "status":
        return f"status becomes {code(doc, 'status', d)}"
    if k == "care_entry":
        return "starts to be looked after (" + ["section 20", "emergency protection", "proceedings",
                                                "adolescent crisis"][min(d, 3)] + ")"
    if k == "placement":
        where = " out of area" if d & 16 else ""
        return f"placed: {code(doc, 'placement_type', d & 15)}{where}"
    if k == "care_exit":
        return "stops being looked after"
    if k == "exploitation_stage":
        stages = max(1, len(doc["codes"].get("exploitation_stage", [])))
        return (f"exploitation stage: {code(doc, 'exploitation_stage', d % stages)}"
                f" ({code(doc, 'exploitation_type', d // stages)})")
    if k == "missing":
        rep = "reported to police" if d & 16 else "not reported"
        return f"goes missing from {code(doc, 'missing_where', d & 15)}, {rep}" + (
            f", graded {code(doc, 'missing_grade', (d >> 5) & 3)}" if d & 16 else "")
    if k == "missing_return":
        return f"back after {d >> 2} whole day(s): {code(doc, 'missing_found_by', d & 3)}"
    if k == "return_interview":
        return "return-home interview: " + ["nothing said", "findings not acted on",
                                            "findings reached the plan and the police"][min(d, 2)]
    if k == "exploitation_recognised":
        return "rated at risk of exploitation" + ("" if d else " (not in fact groomed or exploited)")
    if k == "exploitation_harm":
        return "harmed by exploiters" + (" while missing" if d & 2 else "")
    if k == "exploited_child_arrested":
        return "arrested" + (" (youth justice disposal)" if d else "")
    if k == "disclosure":
        return "tells a professional about the exploitation" + (" (later withdrawn)" if d else "")
    if k == "peer_recruited":
        return f"targeted through a friend or co-resident (child {d})"
    # A kind with a code list of its own name reads as that code; others by name.
    if k in doc["codes"]:
        return f"{k.replace('_', ' ')}: {code(doc, k, d)}" + decision(r)
    return f"{k.replace('_', ' ')} [{d}]" + decision(r)


def lane(r: dict) -> str:
    if r["kind"] in TRUE_STATE:
        return CHILD_LANE
    if r["agency"] != "none":
        return r["agency"].replace("_", " ")
    return CARE_LANE


def narrative(doc: dict, records: list[dict]) -> list[str]:
    return [f"{r['date']}  {lane(r):<24} {sentence(doc, r)}" for r in records]


def header(doc: dict) -> list[str]:
    c = doc["child"]
    out = [f"Child {c['id']} ({'boy' if c['sex'] else 'girl'}, born {c['birth_date']}; {c['chosen']}) in scenario "
           f"'{doc['scenario']}', replicate {doc['replicate']}, from {doc['start_date']}."]
    if "branch" in doc:
        b = doc["branch"]
        changes = ", ".join(f"{x['path']} = {x['value']}" for x in b["changes"]) or "nothing changed"
        out.append(f"Branch on {b['date']}: {changes}.")
        div = doc.get("divergence")
        out.append(f"The timelines part on {div['date']}." if div else "The timelines do not part.")
    return out


OUTCOMES = [("harm", "harm events"), ("days_exploited", "days exploited"), ("missing", "missing episodes"),
            ("moves", "placements started"), ("days_to_protection", "days to protection")]


def outcome_lines(doc: dict) -> list[str]:
    if "outcomes" not in doc:
        return []
    o = doc["outcomes"]
    out = [f"Over {doc['continuations']} futures from {doc['branch']['date']} (mean, 10th-90th percentile):",
           f"  {'outcome':<22}{'as run':>26}{'branch':>26}"]
    for key, label in OUTCOMES:
        a, b = o["as_run"][key], o["branch"][key]
        out.append(f"  {label:<22}{a['mean']:>10.1f} [{a['p10']:>5.0f}-{a['p90']:>5.0f}]"
                   f"{b['mean']:>16.1f} [{b['p10']:>5.0f}-{b['p90']:>5.0f}]")
    out.append(f"  {'share protected':<22}{o['as_run']['share_protected']:>10.2f}"
               f"{o['branch']['share_protected']:>26.2f}")
    return out


def text(doc: dict) -> str:
    lines = header(doc) + [""]
    lines += ["As run:"] + narrative(doc, doc["timelines"]["as_run"])
    if "branch" in doc:
        div = doc.get("divergence")
        start = div["index"] if div else len(doc["timelines"]["branch"])
        lines += ["", "With the branch, from where the timelines part:"]
        lines += narrative(doc, doc["timelines"]["branch"][start:])
        lines += [""] + outcome_lines(doc)
    return "\n".join(lines) + "\n"


def day_range(doc: dict) -> tuple[int, int]:
    """One time axis for every chart of the page: output day 0 to the last record."""
    days = [r["day"] for t in doc["timelines"].values() for r in t] + [0]
    return min(days), max(days) + 1


def swimlane(doc: dict, records: list[dict], title: str, marks: dict[str, int]) -> str:
    """An SVG swimlane: one lane per agency that appears, and the child's true state;
    `marks` are labelled vertical lines at output days (the branch, the parting)."""
    lanes = [CHILD_LANE] + sorted({lane(r) for r in records} - {CHILD_LANE})
    lo, hi = day_range(doc)
    left, width, row, top = 190, 900, 26, 34
    height = top + row * len(lanes) + 24
    x = lambda d: left + (d - lo) / max(1, hi - lo) * width  # noqa: E731
    parts = [f'<svg class="swimlane" width="{left + width + 60}" height="{height}" role="img" '
             f'aria-label="{html.escape(title)}">']
    start_year = int(doc["start_date"][:4])
    for k in range(0, (hi - lo) // 365 + 2):  # a tick at each anniversary of the start date
        d = k * 365
        if lo <= d <= hi:
            parts.append(f'<line x1="{x(d):.1f}" x2="{x(d):.1f}" y1="{top - 4}" y2="{height - 20}" class="tick"/>'
                         f'<text x="{x(d) + 2:.1f}" y="{height - 6}" class="ticktext">'
                         f'{start_year + k}{doc["start_date"][4:]}</text>')
    for i, name in enumerate(lanes):
        y = top + i * row
        parts.append(f'<text x="4" y="{y + 17}" class="lane">{html.escape(name)}</text>'
                     f'<line x1="{left}" x2="{left + width}" y1="{y + 13}" y2="{y + 13}" class="lanerule"/>')
    for i, (label, day) in enumerate(marks.items()):
        parts.append(f'<line x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{top - 4}" y2="{height - 20}" class="mark"/>'
                     f'<text x="{x(day) + 3:.1f}" y="{12 + 12 * i}" class="marktext">{html.escape(label)}</text>')
    for r in records:
        y = top + lanes.index(lane(r)) * row + 13
        cls = "true" if lane(r) == CHILD_LANE else ("decision" if "estimate" in r else "seen")
        parts.append(f'<circle cx="{x(r["day"]):.1f}" cy="{y}" r="4" class="{cls}"><title>'
                     f'{html.escape(r["date"] + ": " + sentence(doc, r))}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1200px;color:#222}
.lane{font-size:12px}.lanerule{stroke:#ddd}.tick{stroke:#eee}.ticktext{font-size:10px;fill:#777}.mark{stroke:#c00;stroke-dasharray:4 3}.marktext{font-size:11px;fill:#c00}
circle.true{fill:#c0392b}circle.decision{fill:#2c3e50}circle.seen{fill:#2980b9}
pre{font-size:12px;background:#f6f6f6;padding:.8em;overflow-x:auto}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
"""


def page(doc: dict) -> str:
    head = "".join(f"<p>{html.escape(x)}</p>" for x in header(doc))
    body = [f"<h1>Child {doc['child']['id']}: timeline</h1>", head]
    marks = {f"branch {doc['branch']['date']}": doc["branch"]["day"]} if "branch" in doc else {}
    if doc.get("divergence"):
        div = doc["divergence"]
        marks[f"timelines part {div['date']}"] = [r for t in doc["timelines"].values() for r in t
                                                  if r["date"] == div["date"]][0]["day"]
    body.append("<h2>As run</h2>" + swimlane(doc, doc["timelines"]["as_run"], "as run", marks))
    if "branch" in doc:
        body.append("<h2>With the branch</h2>" + swimlane(doc, doc["timelines"]["branch"], "branch", marks))
        o = doc["outcomes"]
        rows = "".join(
            f"<tr><td>{label}</td><td>{o['as_run'][k]['mean']:.1f} [{o['as_run'][k]['p10']:.0f}–"
            f"{o['as_run'][k]['p90']:.0f}]</td><td>{o['branch'][k]['mean']:.1f} [{o['branch'][k]['p10']:.0f}–"
            f"{o['branch'][k]['p90']:.0f}]</td></tr>" for k, label in OUTCOMES)
        rows += (f"<tr><td>share protected</td><td>{o['as_run']['share_protected']:.2f}</td>"
                 f"<td>{o['branch']['share_protected']:.2f}</td></tr>")
        body.append(f"<h2>Over {doc['continuations']} futures from the branch date</h2>"
                    f"<table id='comparison'><tr><th>outcome (mean [10th–90th])</th><th>as run</th><th>branch</th>"
                    f"</tr>{rows}</table>")
    body.append("<h2>Narrative</h2><pre>" + html.escape(text(doc)) + "</pre>")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>sgsim trace</title><style>{STYLE}</style>"
            f"</head><body>{''.join(body)}</body></html>\n")


def write_page(doc: dict, out_path: str, force: bool) -> None:
    out = Path(out_path)
    if out.exists() and not force:
        raise FileExistsError(f"{out} already exists; use --force to replace it")
    tmp = out.with_name(f".{out.name}.partial-{os.getpid()}")
    try:
        tmp.write_text(page(doc), encoding="utf-8")
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("trace", help="trace document (JSON) from sgsim trace")
    p.add_argument("-o", "--output", help="HTML page to write")
    p.add_argument("--force", action="store_true", help="replace the page if it exists")
    p.add_argument("--delete-input", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    try:
        doc = json.loads(Path(a.trace).read_text(encoding="utf-8"))
        sys.stdout.write(text(doc))
        if a.output:
            write_page(doc, a.output, a.force)
            print(f"wrote {a.output}")
    except (OSError, ValueError, KeyError) as e:
        print(f"sgsim trace: error: {e}", file=sys.stderr)
        return 2
    finally:
        if a.delete_input:
            Path(a.trace).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
