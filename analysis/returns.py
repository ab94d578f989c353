"""Synthetic statutory returns from a run's event log (docs/output.md, "Exports").

A local authority already has tools that read its SSDA903 (children looked
after) and CIN census (children in need) returns. These functions turn the
children simulated in a run into files of the same shape, one set per scenario
and replicate, so that those tools can read simulated children too.

What is derived rather than modelled is said where it is derived; the codes
follow DfE's guidance for the SSDA903 and CIN census returns. The run must have
been made with ``--events``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class ReturnsError(Exception):
    """A run file that cannot give a return (no event log)."""


# The model's own vocabularies (placement types and their SSDA903 codes, legal
# statuses, exit reasons, casework statuses, contact outcomes, harm categories)
# come from the run file (RunFile.event_codes), so there is no copy of them here.
# What follows is this export's own mapping onto the returns' code lists.
OUT_OF_AREA_FLAG = 16  # added to a placement event's detail (models/care/care.cpp kOutOfAreaFlag)
# Category of need is not a model state: every entry route but one starts from
# concern about abuse or neglect (N1); an adolescent whose parents will not have
# them home is recorded as family dysfunction (N5).
ROUTE_CIN = {"s20": "N1", "emergency_protection": "N1", "proceedings": "N1", "adolescent_crisis": "N5"}
# CIN census referral sources for the agencies of models/agencies.
REFERRAL_SOURCE = {"police": "6", "school": "2A", "gp": "3A", "emergency_department": "3E", "sexual_health": "3F",
                   "camhs": "3F", "family": "1A", "housing_voluntary": "4", "none": "10"}
HARM_CATEGORY = {"neglect": "NEG", "emotional": "EMO", "physical": "PHY", "sexual": "SAB"}


class Codes:
    """A scenario's event vocabularies, with the indices this export looks up by name."""

    def __init__(self, run, scenario: str):
        c = run.event_codes(scenario)
        self.place = c["placement_ssda903"]
        self.provider = c["placement_provider_ssda903"]
        self.placement_type = c["placement_type"]
        self.legal = c["legal_status_ssda903"]
        self.exit = c["care_exit_ssda903"]
        self.exit_reason = c["care_exit_reason"]
        self.route_cin = [ROUTE_CIN[r] for r in c["care_entry_route"]]
        self.harm = [HARM_CATEGORY[h] for h in c["harm_category"]]
        status = {name: i for i, name in enumerate(c["status"])}
        self.none, self.early_help = status["no_case"], status["early_help"]
        self.assessment, self.enquiry, self.plan = status["assessment"], status["protection_enquiry"], status["protection_plan"]
        self.contact_referral = c["contact_outcome"].index("referral")


def _kind_codes(run, scenario: str) -> dict:
    return {name: i for i, name in enumerate(run.event_kinds(scenario))}


def _date(start: np.datetime64, day) -> str:
    return str(start + np.timedelta64(int(day), "D"))


def require_events(run, scenario: str) -> None:
    if not run.has_events(scenario):
        raise ReturnsError(
            f"{run.path}: scenario '{scenario}' has no event log; SSDA903 and CIN exports need a run made with --events"
        )


def _by_child(events: np.ndarray) -> dict:
    """Row indices of each child's events, in log order (by day, then as logged)."""
    order = np.argsort(events["child"], kind="stable")
    children = events["child"][order]
    cuts = np.flatnonzero(np.diff(children)) + 1
    return {int(events["child"][g[0]]): g for g in np.split(order, cuts) if g.size}


def _who(run, scenario: str, replicate: int, start) -> dict:
    ec = run.event_children(scenario)
    mine = ec["replicate"] == replicate
    return {int(c): (_date(start, b), int(s)) for c, b, s in zip(ec["child"][mine], ec["birth_day"][mine], ec["sex"][mine])}


# -- SSDA903 ----------------------------------------------------------------------


def ssda903_episodes(events: np.ndarray, kinds: dict, codes: Codes, start) -> pd.DataFrame:
    """One row per episode: a new episode starts on entry to care and whenever the
    placement or the legal status changes (RNE S, P, L or B); it ends with the
    next episode (REC X1) or the end of care (the exit's REC)."""
    k_entry, k_legal = kinds["care_entry"], kinds["legal_status"]
    k_place, k_notice, k_exit = kinds["placement"], kinds["placement_notice"], kinds["care_exit"]
    care = events[np.isin(events["kind"], [k_entry, k_legal, k_place, k_notice, k_exit])]
    rows = []
    for child, idx in _by_child(care).items():
        cur, legal, cin, notice = None, "", "", False
        for e in care[idx]:
            day, kind, detail = int(e["day"]), int(e["kind"]), int(e["detail"])
            if kind == k_notice:
                notice = True
                continue
            if kind == k_exit:
                if cur is not None:
                    cur.update(DEC=_date(start, day), REC=codes.exit[detail])
                    rows.append(cur)
                cur, legal, notice = None, "", False
                continue
            if kind == k_entry:
                if cur is not None and cur["_day"] == day and not cur["PLACE"]:
                    # The legal status was logged just before the entry it belongs to.
                    cur.update(RNE="S", CIN=codes.route_cin[detail])
                    cin = cur["CIN"]
                    continue
                if cur is not None:  # an exit not in the log: close it here
                    cur.update(DEC=_date(start, day), REC="X1")
                    rows.append(cur)
                cin = codes.route_cin[detail]
                cur = _episode(child, day, "S", legal, "", "", "", cin, start)
                continue
            change = "L" if kind == k_legal else "P"
            if kind == k_legal:
                legal = codes.legal[detail]
            if cur is None or cur["_day"] != day:
                if cur is not None:
                    cur.update(DEC=_date(start, day), REC="X1")
                    rows.append(cur)
                # A child looked after before the log began has no entry: its first
                # episode in the file starts with the first change seen.
                prev = cur or {"PLACE": "", "PLACE_PROVIDER": "", "PL_LOCATION": "", "PLACEMENT_TYPE": ""}
                cur = _episode(child, day, change, legal, prev["PLACE"], prev["PLACE_PROVIDER"], prev["PL_LOCATION"],
                               cin, start)
                cur["PLACEMENT_TYPE"] = prev["PLACEMENT_TYPE"]
            elif cur["RNE"] not in ("S", change):
                cur["RNE"] = "B"
            if kind == k_legal:
                cur["LS"] = legal
            else:
                t = detail % OUT_OF_AREA_FLAG
                cur.update(PLACE=codes.place[t], PLACE_PROVIDER=codes.provider[t],
                           PL_LOCATION="OUT" if detail >= OUT_OF_AREA_FLAG else "IN",
                           PLACEMENT_TYPE=codes.placement_type[t])
                if cur["RNE"] != "S":
                    # After notice the carer ended it (the model's breakdowns grow with the
                    # child's needs: CREQB, because of the child's behaviour); otherwise the
                    # move was the authority's plan (CARPL, change to or implementation of
                    # the care plan: step-down, move-on, leaving an inadequate provider).
                    cur["REASON_PLACE_CHANGE"] = "CREQB" if notice else "CARPL"
                notice = False
        if cur is not None:
            rows.append(cur)
    cols = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
            "HOME_POST", "PL_POST", "URN", "PL_LOCATION", "PLACEMENT_TYPE"]
    frame = pd.DataFrame(rows, columns=cols + ["_day"]).sort_values(["CHILD", "_day"], kind="stable")
    return frame[cols].reset_index(drop=True)


def _episode(child, day, rne, legal, place, provider, location, cin, start) -> dict:
    return {"CHILD": child, "DECOM": _date(start, day), "RNE": rne, "LS": legal, "CIN": cin, "PLACE": place,
            "PLACE_PROVIDER": provider, "DEC": "", "REC": "", "REASON_PLACE_CHANGE": "", "HOME_POST": "",
            "PL_POST": "", "URN": "", "PL_LOCATION": location, "PLACEMENT_TYPE": "", "_day": day}


def ssda903_files(run):
    """(relative path, frame) pairs: <scenario>/rep<k>/header.csv and episodes.csv."""
    for s in run.scenarios:
        require_events(run, s)
        events, kinds, start, codes = run.events(s), _kind_codes(run, s), run.start_date(s), Codes(run, s)
        for rep in np.unique(events["replicate"]):
            mine = events[events["replicate"] == rep]
            episodes = ssda903_episodes(mine, kinds, codes, start)
            who = _who(run, s, int(rep), start)
            header = pd.DataFrame(
                [{"CHILD": c, "SEX": 1 if who[c][1] == 1 else 2, "DOB": who[c][0], "ETHNIC": "", "UPN": "",
                  "MOTHER": "", "MC_DOB": ""} for c in sorted(set(episodes["CHILD"]))],
                columns=["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
            yield f"{s}/rep{int(rep)}/header.csv", header
            yield f"{s}/rep{int(rep)}/episodes.csv", episodes


# -- CIN census ----------------------------------------------------------------------


def cin_records(events: np.ndarray, kinds: dict, codes: Codes, agencies: list, start) -> dict:
    """Episodes of need and their assessments, section 47 enquiries and plans.

    An episode of need opens at a referral and closes when the case closes
    (status none or early help). ReasonForClosure is derived: RC8 closed after
    assessment with no further action, RC9 closed after assessment to early help,
    RC1 adoption, RC4 special guardianship, RC7 otherwise. PrimaryNeedCode is
    derived too: N1 (abuse or neglect) when the episode had a section 47 enquiry,
    N9 when the assessment found no need, N4 otherwise."""
    k_ref, k_status, k_contact = kinds["referral"], kinds["status"], kinds["contact"]
    k_harm, k_exit = kinds["harm"], kinds["care_exit"]
    NONE, EARLY_HELP = codes.none, codes.early_help  # noqa: N806 (statuses, as the model numbers them)
    ASSESSMENT, ENQUIRY, PLAN = codes.assessment, codes.enquiry, codes.plan  # noqa: N806
    keep = np.isin(events["kind"], [k_ref, k_status, k_harm, k_exit]) | (
        (events["kind"] == k_contact) & (events["detail"] == codes.contact_referral))
    ev = events[keep]
    episodes, assessments, enquiries, plans = [], [], [], []
    for child, idx in _by_child(ev).items():
        ep, status, source, last_harm, exit_reason = None, NONE, "10", "", None
        assessment = enquiry = plan = None
        referred_day, moved_day = None, None  # the open referral's day; the last status change's

        def settle(today):
            """A referral with no status change on its day went no further (NFA): it
            closes that day (RC8), as the census records it."""
            nonlocal ep, referred_day
            if ep is not None and referred_day is not None and today != referred_day and moved_day != referred_day:
                ep.update(CINclosureDate=ep["CINreferralDate"], ReasonForClosure="RC8", ReferralNFA="true")
                ep = None
            if today != referred_day:
                referred_day = None

        for e in ev[idx]:
            day, kind, detail = int(e["day"]), int(e["kind"]), int(e["detail"])
            date = _date(start, day)
            settle(day)
            if kind == k_harm:
                last_harm = codes.harm[detail]
            elif kind == k_contact:
                source = REFERRAL_SOURCE.get(agencies[int(e["agency"])], "8")
            elif kind == k_exit:
                exit_reason = codes.exit_reason[detail]
            elif kind == k_ref:
                if ep is not None and not ep["CINclosureDate"]:
                    # A new referral while open: the old episode is superseded that day.
                    ep.update(CINclosureDate=date, ReasonForClosure="RC7")
                referred_day = day
                ep = {"LAchildID": child, "CINreferralDate": date, "ReferralSource": source, "PrimaryNeedCode": "",
                      "CINclosureDate": "", "ReasonForClosure": "", "ReferralNFA": "false", "_s47": False,
                      "_not_in_need": False}
                episodes.append(ep)
                source = "10"
            elif kind == k_status:
                moved_day = day
                if ep is None and detail in (NONE, EARLY_HELP):
                    status, exit_reason = detail, None  # outside an episode of need
                    continue
                if ep is None:  # a case open before the log began
                    ep = {"LAchildID": child, "CINreferralDate": "", "ReferralSource": "", "PrimaryNeedCode": "",
                          "CINclosureDate": "", "ReasonForClosure": "", "ReferralNFA": "false", "_s47": False,
                          "_not_in_need": False}
                    episodes.append(ep)
                if status == ASSESSMENT and assessment is not None:
                    assessment["AssessmentAuthorisationDate"] = date
                    ep["_not_in_need"] = detail in (NONE, EARLY_HELP)
                    assessment = None
                if status == ENQUIRY and enquiry is not None:
                    enquiry["DateOfInitialCPC"] = date if detail == PLAN else ""
                    enquiry["ICPCnotRequired"] = "false" if detail == PLAN else "true"
                    enquiry = None
                if status == PLAN and plan is not None and detail != PLAN:
                    plan["CPPendDate"] = date
                    plan = None
                if detail == ASSESSMENT:
                    ep["ReferralNFA"] = "false"
                    assessment = {"LAchildID": child, "CINreferralDate": ep["CINreferralDate"],
                                  "AssessmentActualStartDate": date, "AssessmentAuthorisationDate": ""}
                    assessments.append(assessment)
                elif detail == ENQUIRY:
                    ep["ReferralNFA"], ep["_s47"] = "false", True
                    enquiry = {"LAchildID": child, "CINreferralDate": ep["CINreferralDate"],
                               "S47ActualStartDate": date, "DateOfInitialCPC": "", "ICPCnotRequired": ""}
                    enquiries.append(enquiry)
                elif detail == PLAN and status != PLAN:
                    ep["_s47"] = True
                    plan = {"LAchildID": child, "CINreferralDate": ep["CINreferralDate"], "CPPstartDate": date,
                            "CPPendDate": "", "InitialCategoryOfAbuse": last_harm or "NEG"}
                    plans.append(plan)
                elif detail in (NONE, EARLY_HELP):
                    ep["CINclosureDate"] = date
                    if exit_reason == "adoption":
                        ep["ReasonForClosure"] = "RC1"
                    elif exit_reason == "special_guardianship":
                        ep["ReasonForClosure"] = "RC4"
                    elif status == ASSESSMENT:
                        ep["ReasonForClosure"] = "RC9" if detail == EARLY_HELP else "RC8"
                    else:
                        ep["ReasonForClosure"] = "RC7"
                    ep = None
                status, exit_reason = detail, None
        settle(None)
    for ep in episodes:
        ep["PrimaryNeedCode"] = "N1" if ep["_s47"] else ("N9" if ep["_not_in_need"] else "N4")
    epi_cols = ["LAchildID", "CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
                "ReasonForClosure", "ReferralNFA"]
    return {
        "episodes": pd.DataFrame(episodes, columns=epi_cols + ["_s47", "_not_in_need"])[epi_cols],
        "assessments": pd.DataFrame(assessments, columns=["LAchildID", "CINreferralDate", "AssessmentActualStartDate",
                                                          "AssessmentAuthorisationDate"]),
        "section47": pd.DataFrame(enquiries, columns=["LAchildID", "CINreferralDate", "S47ActualStartDate",
                                                      "DateOfInitialCPC", "ICPCnotRequired"]),
        "plans": pd.DataFrame(plans, columns=["LAchildID", "CINreferralDate", "CPPstartDate", "CPPendDate",
                                              "InitialCategoryOfAbuse"]),
    }


def cin_files(run):
    """(relative path, frame) pairs: <scenario>/rep<k>/{children,episodes,assessments,section47,plans}.csv."""
    for s in run.scenarios:
        require_events(run, s)
        events, kinds, start, codes = run.events(s), _kind_codes(run, s), run.start_date(s), Codes(run, s)
        agencies = run.agencies(s)
        for rep in np.unique(events["replicate"]):
            mine = events[events["replicate"] == rep]
            records = cin_records(mine, kinds, codes, agencies, start)
            who = _who(run, s, int(rep), start)
            ids = sorted(set(records["episodes"]["LAchildID"]))
            children = pd.DataFrame(
                [{"LAchildID": c, "Gender": 1 if who[c][1] == 1 else 2, "PersonBirthDate": who[c][0]} for c in ids],
                columns=["LAchildID", "Gender", "PersonBirthDate"])
            yield f"{s}/rep{int(rep)}/children.csv", children
            for name, frame in records.items():
                yield f"{s}/rep{int(rep)}/{name}.csv", frame
