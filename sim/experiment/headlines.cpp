#include "sim/experiment/headlines.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/calendar/calendar.hpp"
#include "sim/output/run_file.hpp"

namespace sgsim {

const std::vector<Headline>& headline_definitions() {
  // DESIGN.md §6 and EVIDENCE.md §5: harm first, then how far the system escalated,
  // the repeat work that signals a case closed too soon, the stability of care,
  // the workload that drives all of it, and money.
  static const std::vector<Headline> list = {
      {"harm_true", "true harm events", "harm_true", "", 1.0, "events a year", true},
      {"unprotected_high_risk_days", "unprotected high-risk child-days", "unprotected_high_risk", "", kDaysPerYear,
       "child-days a year", true},
      {"to_plan", "escalations to a child protection plan", "cp_plan_starts", "", 1.0, "plans a year", true},
      {"to_care", "escalations to care", "cla_starts", "", 1.0, "children a year", true},
      {"to_secure", "escalations to secure care", "secure_admissions", "", 1.0, "children a year", true},
      {"rereferrals", "re-referrals within 12 months", "rereferrals_12m", "", 1.0, "referrals a year", true},
      {"repeat_plans", "repeat child protection plans", "repeat_plans", "", 1.0, "plans a year", true},
      {"placement_moves", "placement moves", "placement_moves", "", 1.0, "moves a year", true},
      {"out_of_area_share", "share of children looked after placed out of area", "out_of_area", "cla_open", 1.0,
       "share", true},
      // Missing and exploitation: true episodes, true harm and days exploited beside
      // what the system records (EVIDENCE.md §5: never rank on observed activity alone).
      {"missing_episodes", "missing episodes (true)", "missing_true", "", 1.0, "episodes a year", true},
      {"harm_exploitation", "true harm events of exploitation", "harm_exploitation", "", 1.0, "events a year", true},
      {"days_exploited", "child-days exploited (true)", "exploited", "", kDaysPerYear, "child-days a year", true},
      {"exploitation_recognised", "children newly flagged as at risk of exploitation (recorded)",
       "exploitation_recognised", "", 1.0, "children a year", false},
      {"caseload", "mean caseload of a social worker", "caseload_mean", "", 1.0, "cases", true},
      {"cost", "total cost", "cost", "", 1.0, "£ a year", true},
  };
  return list;
}

namespace {
const MetricInfo* find_metric(const ScenarioResult& r, const std::string& name, size_t* index) {
  for (size_t m = 0; m < r.metrics.size(); ++m)
    if (r.metrics[m].name == name) {
      *index = m;
      return &r.metrics[m];
    }
  return nullptr;
}
}  // namespace

std::vector<Headline> headlines_for(const ScenarioResult& r) {
  std::vector<Headline> out;
  size_t i = 0;
  for (const auto& h : headline_definitions())
    if (find_metric(r, h.metric, &i) && (h.denominator.empty() || find_metric(r, h.denominator, &i))) out.push_back(h);
  return out;
}

Eigen::VectorXd headline_values(const ScenarioResult& r, const Headline& h) {
  size_t m = 0, d = 0;
  const MetricInfo* num = find_metric(r, h.metric, &m);
  const MetricInfo* den = h.denominator.empty() ? nullptr : find_metric(r, h.denominator, &d);
  if (!num || (!h.denominator.empty() && !den))
    throw std::invalid_argument("scenario '" + r.name + "' has no metric for headline '" + h.name + "'");
  Eigen::VectorXd v(static_cast<Eigen::Index>(r.replicates.size()));
  for (size_t k = 0; k < r.replicates.size(); ++k) {
    double x = summarise(r.replicates[k].series[m], num->kind, r.run.measure_days);
    if (den) {
      const double y = summarise(r.replicates[k].series[d], den->kind, r.run.measure_days);
      x = y > 0 ? x / y : 0.0;  // no children looked after: nobody is out of area
    }
    v[static_cast<Eigen::Index>(k)] = x * h.factor;
  }
  return v;
}

std::vector<HeadlineComparison> compare_headlines(const std::vector<ScenarioResult>& scenarios, double precision) {
  std::vector<HeadlineComparison> out;
  if (scenarios.empty()) return out;
  // A headline is compared only if every scenario has it.
  std::vector<Headline> common = headlines_for(scenarios.front());
  for (const auto& s : scenarios) {
    const auto have = headlines_for(s);
    std::erase_if(common, [&](const Headline& h) {
      return std::none_of(have.begin(), have.end(), [&](const Headline& x) { return x.name == h.name; });
    });
  }
  for (const auto& h : common) {
    HeadlineComparison c;
    c.headline = h;
    const Eigen::VectorXd base = headline_values(scenarios.front(), h);
    for (const auto& s : scenarios) {
      const Eigen::VectorXd v = headline_values(s, h);
      c.level.push_back(summarise_sample(v));
      // Pairing needs the same replicates; with unequal counts only the common ones pair.
      const Eigen::Index n = std::min(base.size(), v.size());
      const SampleSummary d = paired_difference(base.head(n), v.head(n));
      c.difference.push_back(d);
      // Advice when the interval is wider than the difference: replicates for an
      // interval half as wide as the difference seen, so that a real effect of that
      // size would be told apart from none; never finer than `precision` of the
      // baseline, so that a difference of nothing does not ask for a million.
      const double target = std::max(std::abs(d.mean) / 2, precision * std::abs(c.level[0].mean));
      c.replicates_needed.push_back(d.n >= 2 && target > 0 && d.half_width() > std::abs(d.mean) &&
                                            d.half_width() > target
                                        ? replicates_needed(d.sd, target)
                                        : 0);
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace sgsim
