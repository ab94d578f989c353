"""Synthetic table of England's 152 local authorities for a national run.

    /usr/bin/python3 -m analysis.authorities --out scenarios/england/authorities.csv
    /usr/bin/python3 -m analysis.authorities --check scenarios/england/authorities.csv

The table is SYNTHETIC: its spread across authorities matches the published
national spread (population, children looked after, caseloads, where private
provision sits), but no row is any real authority's figures and the names and
positions are invented. docs/authorities.md describes every column and says how
to supply a real table instead. The generator is deterministic (fixed seed);
`--check` prints the spread of an existing table (min, 5th percentile, median,
95th percentile, max of each column) and its totals, as markdown.

Where a spread has a published lowest, middle and highest value, values are put
at evenly spaced quantiles of a two-piece lognormal through those three points
(`spread`), so the table has the published spread by construction rather than
by the luck of the draw; the seed decides which authority gets which value.
"""
import argparse
import csv
import math
import sys
from statistics import NormalDist

import numpy as np

SEED = 20240401  # same as run.seed in scenarios/england.yaml

HEADER = ["code", "name", "region", "x_km", "y_km", "provision_weight", "target_care_rate",
          "target_caseload", "population.children", "population.deprivation_skew",
          "care.initial.per_10k", "workforce.posts_per_10k", "front_door.thresholds.referral",
          "care.thresholds.s20", "care.thresholds.proceedings", "workforce.caseload_cap"]

# --- Regions ------------------------------------------------------------------
# name: (authorities, box x0, x1, y0, y1 in km on a British-National-Grid-like plane,
#        care need, provision factor, large authorities)
# authorities: the nine English regions' counts of children's services authorities
#   (DfE's list before Cumbria split in two in April 2023); they sum to 152, no adjustment.
# box: ASSUMPTION, a rough rectangle around the region's populated area (London is a disc, below).
# care need: ASSUMPTION, region's shift of the latent care-need score (in sd of the score)
#   giving the published pattern: children looked after per 10,000 highest in the North East
#   and North West, lowest in the South East, East of England and outer London (DfE CLA 2024, by region).
# provision factor: ASSUMPTION following CMA children's social care market study (final
#   report, 2022) and Ofsted's register of children's homes: private homes concentrated in
#   the North West and the Midlands, sparse in London and the South East.
# large: ASSUMPTION, how many of the region's authorities are shire counties or big
#   cities (roughly the real ones with over about 110,000 children).
REGIONS = {
    "North East":               (12, 380, 455, 505, 620,  1.0, 1.0, 0),
    "North West":               (23, 320, 400, 370, 560,  0.8, 2.0, 2),
    "Yorkshire and the Humber": (15, 390, 530, 390, 500,  0.4, 1.0, 3),
    "East Midlands":            (9,  430, 560, 260, 400,  0.0, 1.2, 4),
    "West Midlands":            (14, 330, 430, 230, 360,  0.6, 1.5, 3),
    "East of England":          (11, 500, 650, 190, 340, -0.5, 1.0, 5),
    "London":                   (33, 0, 0, 0, 0,         -0.5, 0.4, 0),
    "South East":               (19, 400, 630, 100, 240, -0.6, 0.8, 7),
    "South West":               (16, 170, 420, 45, 230,  -0.2, 1.0, 4),
}
N_AUTHORITIES = 152

# --- Positions ----------------------------------------------------------------
LONDON_CENTRE = (530.0, 180.0)  # km; Charing Cross is at about (530, 180) on the National Grid
LONDON_RADIUS = 18.0            # km; Greater London is about 1,570 km², a disc of radius about 22
INNER_LONDON_RADIUS = 11.0      # km; ASSUMPTION: boroughs closer than this count as inner London
                                # (Inner London is about 320 km², a disc of radius about 10)
LONDON_KEEP_OUT = 25.0          # km; ASSUMPTION: other regions' authorities sit outside this disc
MIN_SEPARATION = 12.0           # km between authorities of one region outside London (ASSUMPTION)
MIN_SEPARATION_LONDON = 4.0     # km between London boroughs (ASSUMPTION; boroughs are about 7 km across)

# --- Children 0-17 --------------------------------------------------------------
CHILDREN_TOTAL = 12_000_000               # ONS mid-2024 estimates: about 12.0 million aged 0-17
LONDON_CHILDREN = (40_000, 62_000, 90_000)  # ASSUMPTION: boroughs' lowest, median, highest
LARGE_CHILDREN = (110_000, 170_000, 330_000)  # shire counties and big cities; largest about 330,000
                                          # (ONS mid-year estimates: Kent, Essex, Lancashire, Hampshire)
OTHER_CHILDREN_MIN = 8_000                # smallest authorities about 8,000 (ONS; e.g. Rutland)
OTHER_CHILDREN_MAX = 105_000              # ASSUMPTION: the rest stay below the large ones
# The median of the other authorities is solved so the total is exactly CHILDREN_TOTAL.

# --- Children looked after --------------------------------------------------------
CARE_ENGLAND = 70.0        # per 10,000; DfE Children looked after in England, year ending 31 March 2024
CARE_MIN, CARE_MAX = 25.0, 190.0  # per 10,000; same source: lowest authorities about 25-30, highest about 190
# The median rate is solved so the children-weighted mean is CARE_ENGLAND (right skew follows).
NEED_NOISE = 0.6           # ASSUMPTION: sd of authorities' own care need around their region's
                           # (centred within each region, so a region's shift is exactly as set)
NEED_LARGE = -0.4          # ASSUMPTION: shire counties look after fewer children than cities
NEED_INNER_LONDON = 0.6    # ASSUMPTION: inner London boroughs above the London mean ...
NEED_OUTER_LONDON = -0.6   # ... outer boroughs below it

# --- Deprivation skew ---------------------------------------------------------------
SKEW_CORRELATION = 0.7     # ASSUMPTION: with the care rate (intervention rates follow deprivation:
                           # Bywaters et al. 2020, Child Welfare Inequalities Project)
SKEW_SD = 0.5              # ASSUMPTION: spread of the skew; 0 = the national mix of deciles
SKEW_LIMIT = 1.5           # the skew is clipped to [-1.5, 1.5]

# --- Workforce -------------------------------------------------------------------------
POSTS_ENGLAND = 22.0       # per 10,000 children; registry default workforce.posts_per_10k (DfE workforce
                           # 2024), printed beside the table's posts by --check
CASELOAD = (12.0, 17.0, 33.0)  # authorities' average caseloads: lowest, median, highest
                           # (DfE Children's social work workforce 2024: England 17.8; about 12 to 33)
CASES_PER_10K = 300.0      # FITTED: cases a national run's authorities hold (allocated or waiting)
                           # per 10,000 children at England's care rate, and ...
CASES_CARE_ELASTICITY = 0.23  # FITTED: ... how they grow with the care rate: cases per 10,000 =
                           # CASES_PER_10K × (care rate / CARE_ENGLAND)^0.23. Fitted by least
                           # squares on the logs over the 152 authorities of England at 10%, five
                           # years after the burn-in (docs/authorities.md, "Posts"). Each authority's
                           # posts are those cases over its target caseload.
CASELOAD_CAP = 20.0        # weighted cases per worker; registry default workforce.caseload_cap
CAP_RATIO = 1.4            # ASSUMPTION: an authority's cap is at least its target caseload × 1.4,
                           # so that where workers carry 25-33 cases they can: with the national
                           # cap of 20 everywhere, caseloads stopped near 17 and the rest waited
                           # unallocated; at 1.2 × the target, mean caseloads stayed about a tenth
                           # under it (new workers fill up slowly, so the cap binds on some
                           # workers while the mean is still below the target)

# --- Front door ------------------------------------------------------------------------
REFERRAL_THRESHOLD = 2.725  # concern points; registry default front_door.thresholds.referral
                            # (FITTED, docs/calibration.md). Keep in step with the registry.
REFERRAL_SD = 0.12          # ASSUMPTION: sd of the log of local practice's multiplier
REFERRAL_CLIP = (0.7, 1.4)  # ASSUMPTION: multiplier limits

# --- Care thresholds --------------------------------------------------------------------
S20_THRESHOLD = 13.26         # concern points; registry default care.thresholds.s20 (FITTED,
PROCEEDINGS_THRESHOLD = 14.85  # docs/calibration.md) and care.thresholds.proceedings. Keep in step.
CARE_THRESHOLD_ELASTICITY = 0.29  # FITTED: each authority's two care thresholds are the national
                           # ones × (care rate / CARE_ENGLAND)^-0.29, so that where an authority
                           # looks after more children its practice takes children into care at
                           # lower concern. Fitted so that, England at 10% as 152 authorities five
                           # years after the burn-in, the slope of log(simulated care rate) on
                           # log(table care rate) is 1 (0.23 with no local care thresholds, 1.58
                           # at 0.5; docs/authorities.md). Deprivation alone (the skew) does not
                           # reproduce the spread: its correlation with the care rate is 0.7
                           # (SKEW_CORRELATION), so half the table's variance in care rates is
                           # left to local practice.

# --- Provision ---------------------------------------------------------------------------
PROVISION_NOISE = 0.35      # ASSUMPTION: sd of the log of an authority's weight around its region's
                            # (scaled within each region, so the region's mean keeps its factor)


def spread(n, lo, median, hi):
    """n sorted values at evenly spaced quantiles of a two-piece lognormal whose lowest
    quantile is lo, middle is median and highest is hi."""
    z = np.array([NormalDist().inv_cdf((i + 0.5) / n) for i in range(n)])
    top = z[-1]
    return median * np.exp(np.where(z < 0, z * math.log(median / lo), z * math.log(hi / median)) / top)


def solve_median(n, lo, hi, mean_of, target):
    """The median for spread(n, lo, ., hi) at which mean_of(values) is target (bisection)."""
    a, b = lo, hi
    for _ in range(60):
        m = (a + b) / 2
        a, b = (m, b) if mean_of(spread(n, lo, m, hi)) < target else (a, m)
    if abs(mean_of(spread(n, lo, a, hi)) - target) > 1e-6 * target:
        sys.exit(f"authorities: no median between {lo} and {hi} gives a mean of {target}")
    return a


def centred(noise, region, weights, log=False):
    """noise with its weighted mean removed within each region (divided out if log)."""
    out = noise.copy()
    for r in set(region):
        s = region == r
        mean = np.average(noise[s], weights=weights[s])
        out[s] = noise[s] / mean if log else noise[s] - mean
    return out


def positions(rng, regions):
    """Centre of each authority: scattered in its region's box, apart from each other."""
    xy = np.zeros((len(regions), 2))
    for i, r in enumerate(regions):
        _, x0, x1, y0, y1, *_ = REGIONS[r]
        sep = MIN_SEPARATION_LONDON if r == "London" else MIN_SEPARATION
        earlier = [xy[j] for j in range(i) if regions[j] == r]
        for _ in range(10_000):
            if r == "London":  # uniform on a disc
                rad, ang = LONDON_RADIUS * math.sqrt(rng.random()), 2 * math.pi * rng.random()
                p = np.array(LONDON_CENTRE) + rad * np.array([math.cos(ang), math.sin(ang)])
            else:
                p = np.array([rng.uniform(x0, x1), rng.uniform(y0, y1)])
                if np.hypot(*(p - LONDON_CENTRE)) < LONDON_KEEP_OUT:
                    continue
            if all(np.hypot(*(p - q)) >= sep for q in earlier):
                break
        else:
            sys.exit(f"authorities: could not place an authority in {r}")
        xy[i] = p
    return xy.round(1)


def generate():
    rng = np.random.default_rng(SEED)
    regions = [r for r, spec in REGIONS.items() for _ in range(spec[0])]
    assert len(regions) == N_AUTHORITIES
    region = np.array(regions)
    n = N_AUTHORITIES
    london = region == "London"
    names = [f"{r} {regions[:i + 1].count(r):02d}" for i, r in enumerate(regions)]

    xy = positions(rng, regions)
    inner = london & (np.hypot(xy[:, 0] - LONDON_CENTRE[0], xy[:, 1] - LONDON_CENTRE[1]) < INNER_LONDON_RADIUS)

    # Which authorities are large: that many of each region's, chosen at random.
    large = np.zeros(n, bool)
    for r, spec in REGIONS.items():
        idx = rng.permutation(np.flatnonzero(region == r))[:spec[7]]
        large[idx] = True

    # Children: London boroughs, large authorities and the rest, each a spread in random order.
    children = np.zeros(n)
    children[london] = rng.permutation(spread(london.sum(), *LONDON_CHILDREN))
    children[large] = rng.permutation(spread(large.sum(), *LARGE_CHILDREN))
    other = ~london & ~large
    rest = CHILDREN_TOTAL - children[london].sum() - children[large].sum()
    m = solve_median(other.sum(), OTHER_CHILDREN_MIN, OTHER_CHILDREN_MAX, np.sum, rest)
    children[other] = rng.permutation(spread(other.sum(), OTHER_CHILDREN_MIN, m, OTHER_CHILDREN_MAX))
    children = np.round(children).astype(int)
    children[np.argmax(np.where(other, children, 0))] += CHILDREN_TOTAL - children.sum()

    # Care: a latent need score (region, size, inner/outer London, noise); authorities get
    # the care-rate spread in the order of their scores.
    need = np.array([REGIONS[r][5] for r in regions]) + NEED_LARGE * large
    need += np.where(inner, NEED_INNER_LONDON, 0.0) + np.where(london & ~inner, NEED_OUTER_LONDON, 0.0)
    need += centred(rng.normal(0.0, NEED_NOISE, n), region, children)
    order = np.argsort(np.argsort(need))
    weighted = lambda rates: np.average(rates[order], weights=children)
    m = solve_median(n, CARE_MIN, CARE_MAX, weighted, CARE_ENGLAND)
    care = np.round(spread(n, CARE_MIN, m, CARE_MAX)[order]).astype(int)

    # Deprivation skew: correlation SKEW_CORRELATION with the care rate (the noise has
    # the care rate regressed out, so the correlation is exact before rounding and clipping).
    score = (care - care.mean()) / care.std()
    noise = rng.normal(size=n)
    noise -= noise.mean() + np.dot(noise, score) / n * score
    noise /= noise.std()
    skew = SKEW_SD * (SKEW_CORRELATION * score + math.sqrt(1 - SKEW_CORRELATION ** 2) * noise)
    skew = np.clip(skew - np.average(skew, weights=children), -SKEW_LIMIT, SKEW_LIMIT).round(2)

    # Workforce: a target caseload per authority, and the posts that would give it.
    caseload = rng.permutation(spread(n, *CASELOAD)).round(1)
    posts = (CASES_PER_10K * (care / CARE_ENGLAND) ** CASES_CARE_ELASTICITY / caseload).round(1)
    cap = np.maximum(CASELOAD_CAP, CAP_RATIO * caseload).round(1)

    # Referral threshold: the national one, moved by local practice.
    mult = np.clip(np.exp(rng.normal(0.0, REFERRAL_SD, n)), *REFERRAL_CLIP)
    referral = (REFERRAL_THRESHOLD * mult).round(3)

    # Care thresholds: local practice in step with the authority's care rate.
    care_mult = (care / CARE_ENGLAND) ** -CARE_THRESHOLD_ELASTICITY
    s20 = (S20_THRESHOLD * care_mult).round(3)
    proceedings = (PROCEEDINGS_THRESHOLD * care_mult).round(3)

    # Provision: region factor with noise, children-weighted mean 1.
    noise = centred(np.exp(rng.normal(0.0, PROVISION_NOISE, n)), region, children, log=True)
    prov = np.array([REGIONS[r][6] for r in regions]) * noise
    prov = (prov / np.average(prov, weights=children)).round(2)

    rows = []
    for i in range(n):
        rows.append([f"A{i + 1:03d}", names[i], regions[i], f"{xy[i, 0]:.1f}", f"{xy[i, 1]:.1f}",
                     f"{prov[i]:.2f}", str(care[i]), f"{caseload[i]:.1f}", str(children[i]),
                     f"{skew[i]:.2f}", str(care[i]), f"{posts[i]:.1f}", f"{referral[i]:.3f}",
                     f"{s20[i]:.3f}", f"{proceedings[i]:.3f}", f"{cap[i]:.1f}"])
    return rows


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def check(path):
    """Markdown: the spread of each numeric column and the table's totals. Returns problems found."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    problems = [f"row {i + 2} has {len(r)} fields, not {len(header)}" for i, r in enumerate(rows)
                if len(r) != len(header)]
    if problems:
        return problems
    col = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    numeric = [h for h in header if h not in ("code", "name", "region") and all(map(is_number, col[h]))]
    for h in sorted(set(HEADER) - set(header)):
        print(f"authorities: note: no column {h} (the bundled table has one)", file=sys.stderr)
    val = {h: np.array(col[h], float) for h in numeric}
    kids = val.get("population.children", np.ones(len(rows)))
    print(f"{len(rows)} authorities in `{path}`.\n")
    print("| column | min | 5th | median | 95th | max | mean | mean over children |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for h in numeric:
        q = np.percentile(val[h], [0, 5, 50, 95, 100])
        digits = 0 if h == "population.children" else 2 if np.abs(q).max() < 10 else 1
        cells = [*q, val[h].mean(), np.average(val[h], weights=kids)]
        print(f"| `{h}` | " + " | ".join(f"{round(v, digits) + 0.0:,.{digits}f}" for v in cells) + " |")
    print()
    if "population.children" in val:
        print(f"- children 0-17: {kids.sum():,.0f}")
    if "care.initial.per_10k" in val:
        c = val["care.initial.per_10k"]
        print(f"- children looked after at the start: {np.sum(c * kids) / 1e4:,.0f} "
              f"({np.sum(c * kids) / kids.sum():.1f} per 10,000)")
        if "population.deprivation_skew" in val:
            print(f"- correlation of deprivation skew with care rate: "
                  f"{np.corrcoef(val['population.deprivation_skew'], c)[0, 1]:.2f}")
    if "workforce.posts_per_10k" in val:
        p = val["workforce.posts_per_10k"]
        print(f"- social worker posts: {np.sum(p * kids) / 1e4:,.0f} "
              f"({np.sum(p * kids) / kids.sum():.1f} per 10,000; the registry's national "
              f"default is {POSTS_ENGLAND:g})")
    if "region" in col:
        print("\n| region | authorities | children | looked after per 10,000 | provision weight |")
        print("|---|---:|---:|---:|---:|")
        region = np.array(col["region"])
        for r in dict.fromkeys(col["region"]):
            s = region == r
            cells = [f"{s.sum()}", f"{kids[s].sum():,.0f}"]
            for h in ("care.initial.per_10k", "provision_weight"):
                cells.append(f"{np.average(val[h][s], weights=kids[s]):.2f}" if h in val else "")
            print(f"| {r} | " + " | ".join(cells) + " |")
    if len(set(col.get("code", []))) != len(rows):
        problems.append("codes are not unique")
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--out", metavar="FILE", help="write the synthetic table here")
    g.add_argument("--check", metavar="FILE", help="print the spread summary of an existing table")
    args = ap.parse_args(argv)
    if args.out:
        with open(args.out, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(HEADER)
            w.writerows(generate())
        return 0
    problems = check(args.check)
    for p in problems:
        print(f"authorities: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
