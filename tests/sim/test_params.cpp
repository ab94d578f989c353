// The parameter registry: every number a rule uses is declared with a unit, a range,
// a meaning and a source (DESIGN.md §3 "Parameters are data"), values are checked
// against their spec, and the resolved scenario written into outputs reproduces a run.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "models/family_risk/family_risk.hpp"
#include "models/model.hpp"
#include "models/population/population.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/scenario.hpp"

using namespace sgsim;
namespace fs = std::filesystem;

namespace {

const std::string kMetropolitan = std::string(SGSIM_SOURCE_DIR) + "/scenarios/local/metropolitan.yaml";

const ParamRegistry& registry() {
  static const auto model = bind_model(models::make_modules);
  return model->registry;
}

const ParamSpec& spec(const std::string& path) {
  const ParamSpec* s = registry().find(path);
  if (!s) throw std::logic_error("test needs parameter " + path);
  return *s;
}

template <class M>
const M* module_of(const BoundModel& model) {
  for (const auto& m : model.modules)
    if (auto* p = dynamic_cast<const M*>(m.get())) return p;
  return nullptr;
}

// The variant alternative each parameter type stores.
size_t value_index(ParamType t) {
  switch (t) {
    case ParamType::real: return 0;
    case ParamType::integer: return 1;
    case ParamType::boolean: return 2;
    case ParamType::choice:
    case ParamType::date: return 3;
    case ParamType::real_list: return 4;
  }
  return 99;
}

}  // namespace

// What `sgsim describe` and the scenario reference show must be complete for every
// parameter of the real model, and each default must pass its own checks.
TEST(Params, EveryParameterIsDocumentedAndItsDefaultIsValid) {
  const auto model = bind_model(models::make_modules);
  std::set<std::string> modules = {"run"};
  for (const auto& m : model->modules) modules.insert(std::string(m->name()));
  std::set<std::string> seen;
  ASSERT_GT(model->registry.specs().size(), 20u);
  for (const ParamSpec& s : model->registry.specs()) {
    SCOPED_TRACE(s.path);
    EXPECT_TRUE(seen.insert(s.path).second) << "declared twice";
    EXPECT_NE(s.path.find('.'), std::string::npos) << "a path is module.name";
    EXPECT_TRUE(modules.count(s.module())) << "module '" << s.module() << "' is not run or a module of the model";
    // A seed is a label, not a quantity: the one number without a unit.
    const bool unitless = s.type == ParamType::boolean || s.type == ParamType::choice || s.type == ParamType::date ||
                          s.path == "run.seed";
    if (!unitless) {
      EXPECT_FALSE(s.unit.empty()) << "a number needs a unit";
    }
    EXPECT_FALSE(s.meaning.empty());
    EXPECT_FALSE(s.source.empty());
    EXPECT_EQ(s.default_value.index(), value_index(s.type)) << "default stored as the wrong type";
    EXPECT_EQ(check_value(s, s.default_value), std::nullopt);
    if (s.type == ParamType::real || s.type == ParamType::integer || s.type == ParamType::real_list) {
      EXPECT_LT(s.min, s.max) << "an empty or reversed range";
    }
    if (s.type == ParamType::real_list && s.any_length) {
      // A list of any length (a vignette's contact days) holds at most kMaxListLength.
      EXPECT_LE(std::get<std::vector<double>>(s.default_value).size(), kMaxListLength);
    } else if (s.type == ParamType::real_list) {
      EXPECT_GT(s.list_size, 0u);
      EXPECT_EQ(std::get<std::vector<double>>(s.default_value).size(), s.list_size);
    }
    if (s.type == ParamType::choice) {
      EXPECT_GE(s.choices.size(), 2u) << "a choice of one is not a choice";
    }
  }
}

TEST(Params, NearestSuggestsTheIntendedKey) {
  const ParamRegistry& reg = registry();
  EXPECT_EQ(reg.nearest("population.chidren"), "population.children");
  EXPECT_EQ(reg.nearest("run.sed"), "run.seed");
  EXPECT_EQ(reg.nearest("populaton"), "population");
  EXPECT_EQ(reg.nearest("family_risk.harm.base_rat"), "family_risk.harm.base_rate");
  // A misspelt group in the middle: the whole path is compared.
  EXPECT_EQ(reg.nearest("family_risk.harn.base_rate"), "family_risk.harm.base_rate");
  EXPECT_EQ(reg.nearest("famly_risk.deprivation_gradient"), "family_risk.deprivation_gradient");
  // The right name at the wrong level or in the wrong module.
  EXPECT_EQ(reg.nearest("seed"), "run.seed");
  EXPECT_EQ(reg.nearest("population.deprivation_gradient"), "family_risk.deprivation_gradient");
  // Nothing close: no hint rather than a random one.
  EXPECT_EQ(reg.nearest("zzzzzzzz"), std::nullopt);
  EXPECT_EQ(reg.nearest("population.zzzzzzzz"), std::nullopt);
  EXPECT_EQ(reg.nearest("colour"), std::nullopt);
  EXPECT_EQ(reg.nearest("key"), std::nullopt);
}

TEST(Params, CheckValueMessages) {
  const ParamSpec& children = spec("population.children");
  EXPECT_EQ(check_value(children, int64_t{100}), std::nullopt);  // the range is inclusive
  EXPECT_EQ(check_value(children, int64_t{20'000'000}), std::nullopt);
  EXPECT_EQ(check_value(children, int64_t{99}),
            "population.children = 99 is out of range: expected 100 – 20000000 (children)");
  EXPECT_EQ(check_value(children, int64_t{20'000'001}),
            "population.children = 20000001 is out of range: expected 100 – 20000000 (children)");

  const ParamSpec& male = spec("population.male_share");
  EXPECT_EQ(check_value(male, 0.0), std::nullopt);
  EXPECT_EQ(check_value(male, 1.0), std::nullopt);
  EXPECT_EQ(check_value(male, 1.5),
            "population.male_share = 1.5 is out of range: expected 0 – 1 (share of children)");
  EXPECT_EQ(check_value(male, -0.25),
            "population.male_share = -0.25 is out of range: expected 0 – 1 (share of children)");
  // NaN compares false with everything: it must still be refused.
  EXPECT_NE(check_value(male, std::numeric_limits<double>::quiet_NaN()), std::nullopt);

  // No unit: no empty "()" after the range.
  ParamRegistry toy;
  int64_t count = 0;
  ParamDeclarer(toy, "toy").integer(count, {"count", "", 1, 0, 9007199254740991, "a count", Provenance::user, "test"});
  EXPECT_EQ(check_value(*toy.find("toy.count"), int64_t{-1}),
            "toy.count = -1 is out of range: expected 0 – 9007199254740991");

  const ParamSpec& ages = spec("family_risk.harm.age_multipliers");
  EXPECT_EQ(check_value(ages, std::vector<double>{1, 1, 1}),
            "family_risk.harm.age_multipliers needs exactly 4 values, found 3");
  EXPECT_EQ(check_value(ages, std::vector<double>{1, 1, 11, 1}),
            "family_risk.harm.age_multipliers = 11 is out of range: expected 4 values, each 0 – 10 (rate ratio)");
  EXPECT_EQ(check_value(ages, std::vector<double>{0, 10, 1, 1}), std::nullopt);

  const ParamSpec& holidays = spec("run.holidays");
  EXPECT_EQ(check_value(holidays, std::string("none")), std::nullopt);
  EXPECT_EQ(check_value(holidays, std::string("scotland")),
            "run.holidays = 'scotland' is not one of: england_and_wales / none");

  const ParamSpec& start = spec("run.start_date");
  EXPECT_EQ(check_value(start, std::string("2024-02-29")), std::nullopt);  // a leap day
  EXPECT_EQ(check_value(start, std::string("2023-02-29")),
            "run.start_date = '2023-02-29' is not a valid date: expected YYYY-MM-DD");
  EXPECT_EQ(check_value(start, std::string("2024-4-1")),
            "run.start_date = '2024-4-1' is not a valid date: expected YYYY-MM-DD");
}

TEST(Params, RangeText) {
  EXPECT_EQ(spec("population.children").range_text(), "100 – 20000000");
  EXPECT_EQ(spec("family_risk.domestic_abuse.prevalence").range_text(), "0 – 0.95");
  EXPECT_EQ(spec("population.household_children").range_text(), "4 values, each 0 – 1");
  EXPECT_EQ(spec("run.holidays").range_text(), "england_and_wales / none");
  EXPECT_EQ(spec("run.start_date").range_text(), "YYYY-MM-DD");
}

TEST(Params, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("seed", "seed"), 0u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("sitting", "kitten"), 3u);
  EXPECT_EQ(edit_distance("populaton", "population"), 1u);  // one insertion
  EXPECT_EQ(edit_distance("chidlren", "children"), 2u);     // a swap is two edits (plain Levenshtein)
  EXPECT_EQ(edit_distance("abc", "xyz"), 3u);
}

TEST(Params, FormatValue) {
  EXPECT_EQ(format_value(0.1), "0.1");  // not 0.10000000000000001
  EXPECT_EQ(format_value(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_value(470.0), "470");  // whole reals print without ".0"
  EXPECT_EQ(format_value(-0.25), "-0.25");
  EXPECT_EQ(format_value(1e-5), "1e-05");
  EXPECT_EQ(format_value(int64_t{12'000'000}), "12000000");
  EXPECT_EQ(format_value(int64_t{-3}), "-3");
  EXPECT_EQ(format_value(true), "true");
  EXPECT_EQ(format_value(false), "false");
  EXPECT_EQ(format_value(std::string("england_and_wales")), "england_and_wales");
  EXPECT_EQ(format_value(std::vector<double>{0.44, 0.4, 0.12, 0.04}), "[0.44, 0.4, 0.12, 0.04]");
  EXPECT_EQ(format_value(std::vector<double>{1.0, 2.5}), "[1, 2.5]");
  EXPECT_EQ(format_value(std::vector<double>{}), "[]");
  // Whatever the form, reading the text back gives the same double.
  for (double x : {0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-7, 123456.789, 2.5e300, 1e15, 4.9e-324, 0.512, -1e-300}) {
    const std::string text = format_value(x);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), x) << text;
  }
}

TEST(Params, OriginText) {
  EXPECT_EQ((Origin{"a.yaml", 3, 7}).text(), "a.yaml:3:7");
  EXPECT_EQ((Origin{"--set run.days=5", 0, 0}).text(), "--set run.days=5");
}

TEST(Params, RegistryRefusesBadDeclarationsAndStoresDefaults) {
  ParamRegistry reg;
  double rate = -1;
  ParamDeclarer d(reg, "toy");
  d.real(rate, {"rate", "per year", 0.5, 0, 1, "a rate", Provenance::placeholder, "test"});
  EXPECT_EQ(rate, 0.5) << "declaring stores the default, so a module never reads an unset field";
  double other = 0;
  EXPECT_THROW(d.real(other, {"rate", "per year", 0.5, 0, 1, "again", Provenance::placeholder, "test"}),
               std::logic_error);
  EXPECT_THROW(d.real(other, {"too_big", "per year", 2, 0, 1, "out of range", Provenance::placeholder, "test"}),
               std::logic_error);
  EXPECT_EQ(reg.specs().size(), 1u) << "a refused declaration must not be half-registered";
}

TEST(Params, GroupsAndKeys) {
  const ParamRegistry& reg = registry();
  EXPECT_TRUE(reg.is_prefix("family_risk"));
  EXPECT_TRUE(reg.is_prefix("family_risk.harm"));
  EXPECT_FALSE(reg.is_prefix("family_risk.har"));  // a prefix of a name is not a group
  EXPECT_FALSE(reg.is_prefix("population.children"));  // a parameter is not a group
  const auto top = reg.keys_under("");
  ASSERT_GE(top.size(), 3u);
  EXPECT_EQ(top[0], "run");  // run settings are declared first
  EXPECT_EQ(top[1], "population");
  EXPECT_EQ(top[2], "family_risk");
  const auto harm = reg.keys_under("family_risk.harm");
  EXPECT_EQ(harm, (std::vector<std::string>{"base_rate", "age_multipliers", "category_weights"}));
  EXPECT_EQ(reg.find("family_risk.harm"), nullptr);
  ASSERT_NE(reg.find("family_risk.harm.base_rate"), nullptr);
}

// apply() is how a run gets its values: it must write into the module that owns them,
// and into that model instance only.
TEST(Params, ApplyStoresValuesIntoTheBoundModules) {
  const auto model = bind_model(models::make_modules);
  const auto other = bind_model(models::make_modules);
  const auto* pop = module_of<models::Population>(*model);
  const auto* risk = module_of<models::FamilyRisk>(*model);
  ASSERT_NE(pop, nullptr);
  ASSERT_NE(risk, nullptr);
  EXPECT_EQ(pop->params().children, 12'000'000);  // the default, stored at declaration
  EXPECT_EQ(risk->params().base_rate, 0.15);

  Scenario sc = load_scenario(kMetropolitan, model->registry);
  apply_override(sc, "family_risk.harm.base_rate=0.05", model->registry);
  apply_override(sc, "family_risk.domestic_abuse.prevalence=0.1", model->registry);
  model->registry.apply(sc.overrides);

  EXPECT_EQ(pop->params().children, 150'000);
  EXPECT_EQ(pop->params().deprivation_deciles,
            (std::vector<double>{0.27, 0.18, 0.12, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04, 0.04}));
  EXPECT_EQ(pop->params().births_per_10k, 470.0);
  EXPECT_EQ(risk->params().base_rate, 0.05);
  EXPECT_EQ(risk->params().stressors[0].key, "domestic_abuse");
  EXPECT_EQ(risk->params().stressors[0].prevalence, 0.1);
  EXPECT_EQ(model->run.replicates, 8);
  EXPECT_EQ(model->run.start_date, "2024-04-01");

  const auto* other_pop = module_of<models::Population>(*other);
  ASSERT_NE(other_pop, nullptr);
  EXPECT_EQ(other_pop->params().children, 12'000'000) << "apply leaked into another model instance";

  EXPECT_THROW(model->registry.apply({{"population.chidren", int64_t{5}}}), std::logic_error);
}

// The resolved YAML stored in every output file must reproduce the run: loading it
// back must give every parameter exactly the value the original resolution gave,
// including reals that need all 17 digits.
TEST(Params, ResolvedYamlRoundTrips) {
  const ParamRegistry& reg = registry();
  Scenario original = load_scenario(kMetropolitan, reg);
  apply_override(original, "family_risk.harm.base_rate=0.30000000000000004", reg);
  apply_override(original, "population.male_share=0.51234567890123456", reg);
  apply_override(original, "family_risk.harm.age_multipliers=[1.4, 0.1, 0.30000000000000004, 1e-05]", reg);
  const std::string text = resolved_yaml(original, reg);
  EXPECT_NE(text.find("england.yaml -> metropolitan.yaml"), std::string::npos) << text;

  const fs::path file = fs::temp_directory_path() / ("sgsim_resolved_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(file) << text;
  Scenario again;
  try {
    again = load_scenario(file.string(), reg);
  } catch (const ScenarioError& e) {
    fs::remove(file);
    FAIL() << "the resolved scenario does not load: " << e.what() << "\n" << text;
  }
  fs::remove(file);

  EXPECT_EQ(again.name, original.name);
  EXPECT_EQ(again.description, original.description);
  // Every parameter is written out, not just the ones that differ from the defaults,
  // so a later change of default cannot change what the file means.
  EXPECT_EQ(again.overrides.size(), reg.specs().size());
  for (const ParamSpec& s : reg.specs()) {
    SCOPED_TRACE(s.path);
    EXPECT_EQ(again.value(reg, s.path), original.value(reg, s.path))
        << format_value(again.value(reg, s.path)) << " vs " << format_value(original.value(reg, s.path));
  }
  // And the round trip is not trivially true: the original has non-default values.
  EXPECT_NE(original.value(reg, "population.children"), spec("population.children").default_value);
}
