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
import re
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


def code_name(doc: dict, lst: str, i: int) -> str | None:
    """The model's own name for code i of a list the document carries, or None."""
    names = doc["codes"].get(lst, [])
    return names[i] if 0 <= i < len(names) else None


# How a code reads in a sentence, by list and code name (the names come from the
# document's `codes`, so a reordered list still reads right); a name missing here
# reads as itself, with spaces for underscores.
PHRASES: dict[str, dict[str, str]] = {
    "contact_outcome": {
        "closed": "closed with no further action", "early_help": "early help offered",
        "referral": "accepted as a referral", "to_open_case": "passed to the open case",
        "overridden": "closed by a manager's override"},
    "care_entry_route": {
        "s20": "section 20", "emergency_protection": "emergency protection", "proceedings": "care proceedings",
        "adolescent_crisis": "an adolescent crisis"},
    "care_exit_reason": {
        "return_home": "returns home", "adoption": "adopted", "special_guardianship": "special guardianship order",
        "age_18": "turns 18", "moved_away": "moves away"},
    "placement_type": {  # with the preposition: "placed …", "stays …"
        "kinship": "with kinship carers", "in_house_foster": "with the authority's own foster carers",
        "specialist_foster": "with specialist foster carers", "ifa_foster": "with agency (IFA) foster carers",
        "la_home": "in the authority's children's home", "private_home": "in a private children's home",
        "supported": "in supported accommodation", "secure": "in a secure children's home",
        "with_parents": "with parents", "emergency": "in emergency foster care",
        "unregulated": "in an unregistered setting"},
    "missing_where": {
        "home": "home", "kinship": "kinship care", "in_house_foster": "foster care (the authority's)",
        "ifa_foster": "foster care (agency)", "childrens_home": "a children's home",
        "supported": "supported accommodation", "with_parents": "a placement with parents", "secure": "secure care",
        "other": "another placement"},
    "missing_found_by": {"returned": "came back", "police": "found by police",
                         "family_or_peer": "found by family or friends"},
    "care_decision": {
        "proceedings_not_met": "proceedings threshold not met",
        "proceedings_pending": "proceedings threshold met, but a court step is already pending",
        "proceedings_already_looked_after": "proceedings threshold met; already looked after under an order",
        "proceedings_for_s20": "an application for an order for the child accommodated under section 20",
        "proceedings_edge_of_care": "proceedings threshold met, but the edge-of-care team keeps the child at home",
        "pre_proceedings": "pre-proceedings start",
        "emergency_not_met": "no emergency removal", "emergency_removal": "removed under emergency protection",
        "s20_not_met": "section 20 threshold not met", "s20_not_agreed": "section 20 offered, the parents do not agree",
        "s20_edge_of_care": "section 20 threshold met, but the edge-of-care team keeps the child at home",
        "s20_accommodated": "accommodated under section 20"},
    "care_application": {
        "dropped_case_closed": "dropped, the case closed meanwhile",
        "issued": "issued; the child comes into care under an interim care order",
        "sibling_joins": "a sibling's application; the child comes into care with them under an interim care order",
        "for_child_looked_after": "issued for a child already looked after (an interim care order)"},
    "adolescent_crisis": {
        "edge_of_care": "the edge-of-care team keeps the family together",
        "not_accommodated": "not accommodated; back to family or friends",
        "accommodated": "accommodated under section 20"},
    "care_review": {
        "home_not_safe": "home not judged safe; stays in care",
        "home_safe_stays": "home judged safe, but no return at this review",
        "s20_proceedings": "an application for an order (accommodated under section 20)",
        "s20_return_home": "returns home from section 20",
        "placed_with_parents": "placed with parents under the care order",
        "return_not_open": "no return home open at this stage"},
    "placement_sought": {
        "entry": "on entry to care", "after_notice": "after the carer gave notice",
        "out_of_last_resort": "to move out of an emergency or unregistered bed",
        "step_down_to_foster": "step-down from a children's home to a foster family",
        "out_of_inadequate": "to move out of an inadequate provider",
        "move_on_to_supported": "move-on to supported accommodation", "secure_bed": "a secure bed",
        "step_down_from_secure": "step-down from secure care", "with_parents": "placement with parents"},
    "placement_found": {"in_area": "in the area", "out_of_area": "out of the area",
                        "last_resort": "as a last resort, nothing the policy allows fitted"},
    "notice_reason": {"breakdown": "the placement broke down", "missing": "after the child's missing episodes"},
    # Told in the lane of the agency that acts, so without it as the subject.
    "agency_saw": {
        "saw_harm": "harm seen and recorded", "told_by_agency": "harm passed on by another agency, recorded",
        "noticed": "a concern noticed and recorded",
        "domestic_abuse_notification": "a domestic abuse incident attended in the household, the child recorded"},
    "agency_contact_decision": {
        "told_case_holder": "the child's social worker told directly",
        "contact_made": "a contact made to the front door",
        "below_threshold": "held: concern below the agency's threshold",
        "contacted_recently": "held: the agency contacted about this child recently",
        "not_acted_on": "held: over the agency's threshold but not acted on"},
    "early_help": {"declined": "offered; the parents decline", "accepted": "offered; the parents consent and it starts",
                   "ended": "ends and the case closes"},
    "cin_review": {
        "continues": "the child-in-need plan continues",
        "closed_quiet": "closed as 'no statutory role' (nothing new recorded)",
        "closed_noncooperation": "closed: the family will not cooperate",
        "closed_time_limit": "closed: the time limit is reached",
        "closed_below_threshold": "closed: below the closure threshold",
        "accommodated_s20": "accommodated under section 20 (see the care decision)"},
    "worker_change": {
        "allocated": "allocated to a social worker",
        "queued": "waits unallocated: no worker in the team has room",
        "transferred": "transferred to a new worker",
        "transferred_queued": "transferred, and waits unallocated: no worker in the team has room",
        "worker_left": "the worker left; the case goes to a colleague",
        "worker_left_queued": "the worker left; the case waits unallocated",
        "cover_ended": "agency cover ended as the post was filled; the case goes to a colleague",
        "cover_ended_queued": "agency cover ended as the post was filled; the case waits unallocated",
        "allocated_from_queue": "the waiting case is allocated to a social worker",
        "released": "the case closes; the worker is freed"},
    "case_team": {"assessment": "assessment team", "safeguarding": "safeguarding team",
                  "children_in_care": "children-in-care team"},
}

# Traced decisions with no code list: the detail's meaning, from the kind's
# meaning in the model (models/front_door, models/child_protection), and what the
# threshold is for each outcome.
FIXED = {
    "assessment_decision": ("Single assessment concludes", ["not in need", "child in need", "strategy discussion"],
                            ["in-need threshold", "strategy threshold", "strategy threshold"]),
    "strategy_decision": ("Strategy discussion", ["no section 47 enquiry; a child-in-need plan",
                                                  "section 47 enquiry",
                                                  "removed at once under emergency protection"],
                          ["section 47 threshold", "section 47 threshold", "emergency-protection threshold"]),
    "enquiry_decision": ("Section 47 enquiry ends", ["no conference; a child-in-need plan",
                                                     "initial child protection conference called",
                                                     "conference called, deferred until the police investigation ends"],
                         ["conference threshold"] * 3),
    "conference_decision": ("Initial child protection conference", ["no plan; a child-in-need plan",
                                                                    "child protection plan"],
                            ["plan threshold"] * 2),
    "plan_review_decision": ("Child protection review conference", ["the plan ends, stepped down to child in need",
                                                                     "the plan continues"],
                             ["step-down threshold"] * 2),
}

# The agencies in the model's order (agency id 1 is the first), for agency_share,
# whose detail is an agency id: the trace document does not carry the run's agency
# list, so this follows kAgencyNames (models/agencies/agencies.hpp).
AGENCIES = ["none", "police", "school", "gp", "emergency_department", "sexual_health", "camhs", "family",
            "housing_voluntary"]


def say(doc: dict, lst: str, i: int) -> str:
    """Code i of list `lst` as words: its phrase, else its name."""
    name = code_name(doc, lst, i)
    if name is None:
        return f"code {i}"
    return PHRASES.get(lst, {}).get(name, name.replace("_", " "))


# How an agency's name reads in a lane, and as the subject of a sentence (the
# agencies' own labels, models/agencies/agencies.cpp); others with spaces for underscores.
AGENCY_LANES = {"gp": "GP", "camhs": "CAMHS", "family": "family or public", "housing_voluntary": "housing/voluntary"}
AGENCY_WORDS = {"school": "the school", "gp": "the GP or community health",
                "emergency_department": "the emergency department", "sexual_health": "sexual health services",
                "camhs": "CAMHS", "family": "the family or a member of the public",
                "housing_voluntary": "housing or voluntary services"}


def agency_lane(name: str) -> str:
    return AGENCY_LANES.get(name, name.replace("_", " "))


def agency_words(name: str) -> str:
    return AGENCY_WORDS.get(name, name.replace("_", " "))


def agency_name(doc: dict, i: int) -> str:
    names = doc.get("agencies") or AGENCIES
    return agency_words(names[i]) if 0 <= i < len(names) else f"agency {i}"


def n(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}"


def judged(r: dict, threshold: str) -> str:
    """The usual numbers of a judgement: the judged estimate, the threshold (after
    the workload shift) and caseload pressure."""
    return (f" (judged {n(r['estimate'])} against the {threshold} {n(r['threshold'])}, "
            f"caseload pressure {n(r['workload'], 2)})")


def plural(x: float, one: str, many: str | None = None) -> str:
    k = int(round(x))
    return f"{k} {one if k == 1 else (many or one + 's')}"


def decision(r: dict) -> str:
    """The numbers a traced decision of a kind without a sentence rested on."""
    if "estimate" not in r:
        return ""
    return (f" (estimate {r['estimate']:.2f} against threshold {r['threshold']:.2f}; "
            f"workload {r['workload']:.2f})")


def traced_sentence(doc: dict, r: dict) -> str | None:
    """A traced decision (World::trace) in the domain's words, or None for a kind
    not known here."""
    k, d, e, t, w = r["kind"], r["detail"], r["estimate"], r["threshold"], r["workload"]
    who = agency_words(r["agency"])
    if k == "vignette_scripted":
        return ("Scripted by the vignette, as the review dates it: " +
                [f"harm seen by {who}", "a child protection plan starts", "exploiters target the child"][min(max(d, 0), 2)])
    if k in FIXED:
        title, outcomes, thresholds = FIXED[k]
        i = min(max(d, 0), len(outcomes) - 1)
        return f"{title}: {outcomes[i]}" + judged(r, thresholds[i])
    if k == "screening_decision":
        return (f"Front-door screening of the contact from {who}: {say(doc, 'contact_outcome', d)} "
                f"(judged {n(e)} against the referral threshold {n(t)}; {plural(w, 'contact')} waiting)")
    if k == "care_decision":
        name = code_name(doc, "care_decision", d) or ""
        threshold = ("emergency-protection threshold" if name.startswith("emergency") else
                     "section 20 threshold" if name.startswith("s20") else "proceedings threshold")
        return f"Care decision: {say(doc, 'care_decision', d)}" + judged(r, threshold)
    if k == "care_application":
        return (f"Care order application {say(doc, 'care_application', d)} (the record's estimate {n(e)} against "
                f"the proceedings threshold {n(t)}, caseload pressure {n(w, 2)})")
    if k == "adolescent_crisis_decision":
        return (f"Parents will not have the young person home: {say(doc, 'adolescent_crisis', d)} "
                f"(carer capacity {n(e, 2)}; {t:.0%} of such crises end in accommodation; "
                f"caseload pressure {n(w, 2)})")
    if k == "care_review_decision":
        name = code_name(doc, "care_review", d) or ""
        threshold = "proceedings threshold" if name == "s20_proceedings" else "return-home threshold"
        return (f"Looked-after review: {say(doc, 'care_review', d)} (home judged {n(e)} against the {threshold} "
                f"{n(t)}, caseload pressure {n(w, 2)})")
    if k == "placement_match":
        ptype, how, why = d & 15, (d >> 4) & 3, d >> 6
        sought = f"Placement sought ({say(doc, 'placement_sought', why)}): "
        limit = f"distance limit {n(t, 0)} km; needs score {n(w)}"
        if code_name(doc, "placement_found", how) == "none":
            return sought + f"none found; stays {say(doc, 'placement_type', ptype)} ({n(e)} km from home; {limit})"
        return (sought + f"{say(doc, 'placement_type', ptype)}, {say(doc, 'placement_found', how)} "
                f"({n(e)} km from home; {limit})")
    if k == "placement_notice_reason":
        return (f"Carer or provider gives notice: {say(doc, 'notice_reason', d)}, after {plural(w, 'day')} "
                f"(needs score now {n(e)}; secure-care needs threshold {n(t)})")
    if k == "care_ended":
        return (f"Leaves care: {say(doc, 'care_exit_reason', d)}, after {plural(e, 'day')} looked after "
                f"and {plural(w, 'placement')}")
    if k == "agency_saw":
        if code_name(doc, "agency_saw", d) == "unseen":
            return f"no agency saw this harm ({n(e)} concern points recorded nowhere)"
        return (f"{say(doc, 'agency_saw', d)} (+{n(e)} concern points; the agency's record now {n(w)} against its "
                f"referral threshold {n(t)})")
    if k == "agency_contact_decision":
        then = say(doc, "agency_contact_decision", d)
        if code_name(doc, "agency_contact_decision", d) == "contact_made":
            then += ", arriving " + ("the same day" if w < 0.5 else f"in {plural(w, 'day')}")
        return f"{then} (the agency's record {n(e)} against its threshold {n(t)})"
    if k == "agency_share":
        to = agency_name(doc, d & 15)
        if d & 16:
            return (f"the harm shared with {to}, arriving " + ("the same day" if e < 0.5 else
                                                              f"in {plural(e, 'day')}")
                    + f" (each agency is told with probability {n(t, 2)})")
        return f"the harm not shared with {to} (each agency is told with probability {n(t, 2)})"
    if k == "early_help_decision":
        name = code_name(doc, "early_help", d)
        what = f"Early help {say(doc, 'early_help', d)}"
        if name == "ended":
            return what + f" after {plural(e, 'day')} (caseload pressure {n(w, 2)})"
        return what + f" (parents consent with probability {n(t, 2)}; caseload pressure {n(w, 2)})"
    if k == "cin_review_decision":
        return f"Child-in-need review: {say(doc, 'cin_review', d)}" + judged(r, "closure threshold")
    if k == "worker_allocation":
        change, team = d & 15, d >> 4
        head = f"Case allocation, {say(doc, 'case_team', team)}: {say(doc, 'worker_change', change)}"
        if e < 0:  # the case waits: the lightest caseload in the team had no room
            return head + f" (lightest weighted caseload in the team {n(w)}, cap {n(t, 0)})"
        return head + f" (worker #{int(e)}, weighted caseload now {n(w)} of a cap of {n(t, 0)})"
    return None


def own_codes(doc: dict, k: str) -> str | None:
    """The code list a kind's detail indexes: the list of its own name, or the one
    its meaning names ("codes LIST")."""
    if k in doc["codes"]:
        return k
    meaning = doc.get("kinds", {}).get(k, "")
    lists = [x for x in re.findall(r"codes (\w+)", meaning) if x in doc["codes"]]
    return lists[0] if len(set(lists)) == 1 else None


def sentence(doc: dict, r: dict) -> str:
    """One record in words. Kinds without a sentence here are told from their meaning."""
    s = sentence_of(doc, r)
    return s[:1].upper() + s[1:]


def sentence_of(doc: dict, r: dict) -> str:
    k, d = r["kind"], r["detail"]
    if "estimate" in r:
        s = traced_sentence(doc, r)
        if s is not None:
            return s
    if k == "harm":
        return f"harmed ({code(doc, 'harm_category', d)})"
    if k == "contact":
        return f"contact reaches the front door; screened: {say(doc, 'contact_outcome', d)}"
    if k == "referral":
        return "contact accepted as a referral" + (" (within 12 months of the last)" if d else "")
    if k == "status":
        name = code_name(doc, "status", d)
        return "case closes (no status)" if name == "no_case" else f"status becomes {code(doc, 'status', d)}"
    if k == "care_entry":
        return f"starts to be looked after ({say(doc, 'care_entry_route', d)})"
    if k == "placement":
        where = ", out of the area" if d & 16 else ""
        return f"placed {say(doc, 'placement_type', d & 15)}{where}"
    if k == "placement_notice":
        return f"notice given on the placement {say(doc, 'placement_type', d & 15)}"
    if k == "care_exit":
        return f"stops being looked after: {say(doc, 'care_exit_reason', d)}"
    if k == "legal_status":
        return f"legal status: {code(doc, 'legal_status', d)}"
    if k == "exploitation_stage":
        stages = max(1, len(doc["codes"].get("exploitation_stage", [])))
        kind = code(doc, "exploitation_type", d // stages)
        if code_name(doc, "exploitation_stage", d % stages) == "none":
            return f"no longer targeted or exploited ({kind})"
        return f"exploitation stage: {code(doc, 'exploitation_stage', d % stages)} ({kind})"
    if k == "missing":
        rep = "reported to police" if d & 16 else "not reported"
        return f"goes missing from {say(doc, 'missing_where', d & 15)}, {rep}" + (
            f", graded {code(doc, 'missing_grade', (d >> 5) & 3)}" if d & 16 else "")
    if k == "missing_return":
        days = d >> 2
        return ("back the same day" if days == 0 else f"back after {plural(days, 'whole day')}") + (
            f" ({say(doc, 'missing_found_by', d & 3)})")
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
    # A kind whose detail indexes one code list reads as that code; others by name.
    lst = own_codes(doc, k)
    if lst is not None:
        return f"{k.replace('_', ' ')}: {code(doc, lst, d)}" + decision(r)
    return f"{k.replace('_', ' ')} [{d}]" + decision(r)


def lane(r: dict) -> str:
    if r["kind"] in TRUE_STATE:
        return CHILD_LANE
    if r["kind"] == "agency_saw" and r["agency"] == "none":  # harm no agency saw: part of the true state
        return CHILD_LANE
    if r["kind"] == "exploited_child_arrested":  # police arrest; the event log carries no agency
        return agency_lane("police")
    if r["kind"] == "vignette_scripted" and r["agency"] == "none":
        return CHILD_LANE if r["detail"] == 2 else CARE_LANE
    if r["agency"] != "none":
        return agency_lane(r["agency"])
    return CARE_LANE


def shares(doc: dict, group: list[dict]) -> str:
    """One agency's decisions to pass a sighting on (agency_share, one record for
    each other agency) as one sentence."""
    told = [f"{agency_name(doc, r['detail'] & 15)} (" + ("the same day" if r["estimate"] < 0.5 else
                                                          f"in {plural(r['estimate'], 'day')}") + ")"
            for r in group if r["detail"] & 16]
    not_told = [agency_name(doc, r["detail"] & 15) for r in group if not r["detail"] & 16]
    p = f" (each with probability {n(group[0]['threshold'], 2)})"
    if not told:
        return "The harm shared with no other agency" + p
    return ("The harm shared with " + ", ".join(told) + ("; not with " + ", ".join(not_told) if not_told else "")
            + p)


# A search for a placement that keeps failing (none found, every
# care.breakdown.retry_days) is told once, then summed up at its last try.
REPEATS = {"placement_match"}
# What ends such a run of tries: the child moves, is given notice or leaves care.
REPEAT_BREAKS = {"placement", "placement_notice", "placement_notice_reason", "care_exit", "care_ended"}


def repeats(doc: dict, records: list[dict]) -> dict[int, int]:
    """The repeats of a record told just before (same kind, same sentence, nothing
    in between that ends the run): index → 0 to leave it out, or for the last
    repeat of a run, how many repeats there were."""
    runs: list[list[int]] = []
    current: dict[str, tuple[str, list[int]]] = {}  # kind → (its sentence, the repeats since)
    for i, r in enumerate(records):
        if r["kind"] in REPEAT_BREAKS:
            current.clear()
        elif r["kind"] in REPEATS and "estimate" in r:
            s = sentence(doc, r)
            if r["kind"] in current and current[r["kind"]][0] == s:
                current[r["kind"]][1].append(i)
            else:
                runs.append([])
                current[r["kind"]] = (s, runs[-1])
    out: dict[int, int] = {}
    for run in runs:
        out.update({i: 0 for i in run[:-1]})
        if run:
            out[run[-1]] = len(run)
    return out


def words(doc: dict, records: list[dict]) -> list[tuple[str, str] | None]:
    """Each record's lane and sentence as the narration tells it, or None for a
    record told within another's line (a sighting's shares, a repeated search)."""
    out: list[tuple[str, str] | None] = []
    again = repeats(doc, records)
    i = 0
    while i < len(records):
        r = records[i]
        if i in again:
            out.append((lane(r), f"The same again, {plural(again[i], 'more time')} up to this day: {sentence(doc, r)}")
                       if again[i] else None)
            i += 1
            continue
        if r["kind"] == "agency_share" and "estimate" in r:  # one line for one sighting's shares
            j = i
            while (j < len(records) and records[j]["kind"] == "agency_share" and records[j]["date"] == r["date"]
                   and records[j]["agency"] == r["agency"]):
                j += 1
            out.append((lane(r), shares(doc, records[i:j])))
            out.extend([None] * (j - i - 1))
            i = j
            continue
        out.append((lane(r), sentence(doc, r)))
        i += 1
    return out


def narrative(doc: dict, records: list[dict]) -> list[str]:
    return [f"{r['date']}  {w[0]:<24} {w[1]}" for r, w in zip(records, words(doc, records)) if w is not None]


def annotate(doc: dict) -> dict:
    """The document with each timeline record's lane and sentence (`lane`, `text`;
    `show` false for a record told within another's line), for `sgsim serve`'s
    page, so that the page and the terminal tell the same story."""
    for records in doc.get("timelines", {}).values():
        for r, w in zip(records, words(doc, records)):
            r["show"] = w is not None
            if w is not None:
                r["lane"], r["text"] = w
    return doc


def header(doc: dict) -> list[str]:
    c = doc["child"]
    out = [f"Child {c['id']} ({'boy' if c['sex'] else 'girl'}, born {c['birth_date']}; {c['chosen']}) in scenario "
           f"'{doc['scenario']}', replicate {doc['replicate']}, from {doc['start_date']}."]
    scripted = doc.get("scripted_children", [])
    if len(scripted) > 1:
        out.append("The vignette's children (trace another with --child ID): " +
                   ", ".join(f"child_{k + 1} = {i}" for k, i in enumerate(scripted)) + ".")
    if "branch" in doc:
        b = doc["branch"]
        changes = ", ".join(f"{x['path']} = {x['value']}" for x in b["changes"]) or "nothing changed"
        out.append(f"Branch on {b['date']}: {changes}.")
        div = doc.get("divergence")
        if not div:
            out.append("The timelines do not part.")
        else:
            step = first_step_apart(doc)
            if step == div["date"]:
                out.append(f"The timelines part on {div['date']}.")
            else:  # at first only a decision's numbers differ (e.g. caseload pressure), not what happened
                out.append(f"The timelines part on {div['date']}, at first only in the numbers behind a decision; "
                           + (f"what happens to the child first differs on {step}." if step else
                              "what happens to the child never differs."))
    return out


def first_step_apart(doc: dict) -> str | None:
    """The date of the first record that differs between the two timelines in what
    happened (kind, agency, detail or day) rather than only in a decision's numbers."""
    a, b = doc["timelines"]["as_run"], doc["timelines"]["branch"]
    key = lambda r: (r["day"], r["kind"], r["agency"], r["detail"])  # noqa: E731
    for i in range(max(len(a), len(b))):
        if i >= len(a) or i >= len(b) or key(a[i]) != key(b[i]):
            return min(t[i]["date"] for t in (a, b) if i < len(t))  # the earlier of the two
    return None


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
    p.add_argument("--annotate", metavar="OUT", help=argparse.SUPPRESS)  # sgsim serve: the document with its words
    a = p.parse_args(argv)
    try:
        doc = json.loads(Path(a.trace).read_text(encoding="utf-8"))
        if a.annotate:
            Path(a.annotate).write_text(json.dumps(annotate(doc)), encoding="utf-8")
            return 0
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
