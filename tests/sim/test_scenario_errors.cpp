// Scenario validation: a bad scenario is refused before anything runs, with one
// line naming the file, line and column and, for a misspelt name, the nearest valid
// one. Each case below is a fixture under tests/data/scenarios/bad/ and the exact
// message a user will read, so any change to wording or position is deliberate.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "models/model.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/scenario.hpp"

using namespace sgsim;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(SGSIM_SOURCE_DIR) + "/tests/data/scenarios";
const std::string kBad = kData + "/bad/";

std::string bad(const std::string& name) { return kBad + name; }

// A file reached through `extends:` is named in errors as the extending file's
// canonical folder joined with the text after `extends:`.
std::string via_extends(const std::string& name) { return (fs::weakly_canonical(kBad) / name).string(); }

const ParamRegistry& registry() {
  static const auto model = bind_model(models::make_modules);
  return model->registry;
}

// The error load_scenario throws, or nothing if the file loads.
std::optional<ScenarioError> load_error(const std::string& path, const ParamRegistry& reg = registry()) {
  try {
    load_scenario(path, reg);
  } catch (const ScenarioError& e) {
    return e;
  }
  return std::nullopt;
}

std::optional<ScenarioError> override_error(const std::string& assignment) {
  Scenario sc;
  try {
    apply_override(sc, assignment, registry());
  } catch (const ScenarioError& e) {
    return e;
  }
  return std::nullopt;
}

struct BadCase {
  const char* fixture;   // file under tests/data/scenarios/bad/ given to load_scenario
  const char* reported;  // the file the error names, when it is an extended file rather than the fixture
  const char* expected;  // what() after the file name
};

// clang-format off
const BadCase kCases[] = {
    // Unknown names, with the nearest valid name when one is close.
    {"unknown_module.yaml", nullptr,
     ":3:1: error: unknown key 'populaton' (did you mean 'population'?)"},
    {"unknown_parameter.yaml", nullptr,
     ":4:3: error: unknown parameter 'population.births_per_10K' (did you mean 'population.births_per_10k'?)"},
    {"unrelated_key.yaml", nullptr,  // nothing is close, and a far-fetched hint would only mislead
     ":1:1: error: unknown key 'colour'"},
    // A key at the wrong level: the hint names where it belongs.
    {"wrong_level_module.yaml", nullptr,
     ":4:3: error: unknown parameter 'population.deprivation_gradient' (did you mean 'family_risk.deprivation_gradient'?)"},
    {"group_given_scalar.yaml", nullptr,
     ":1:13: error: 'population' is a group of parameters and expects a map, found '150000'"},
    // Wrong types: the position is the value's, and the message says what was expected, with the unit.
    {"wrong_type_text.yaml", nullptr,
     ":2:19: error: population.births_per_10k expects a number in births per 10,000 children per year, found 'lots'"},
    {"fractional_integer.yaml", nullptr,
     ":3:15: error: run.replicates expects a whole number in runs, found '2.5'"},
    {"map_for_number.yaml", nullptr,
     ":3:16: error: family_risk.harm.base_rate expects a number in events per child-year, found a map"},
    {"list_for_scalar.yaml", nullptr,
     ":2:15: error: population.male_share expects a number in share of children, found a list"},
    {"scalar_for_list.yaml", nullptr,
     ":2:24: error: population.deprivation_deciles expects a list of 10 numbers in share of households, found '0.1'"},
    // Ranges are inclusive and quoted with the unit.
    {"below_min.yaml", nullptr,
     ":2:13: error: population.children = 50 is out of range: expected 100 – 20000000 (children)"},
    {"above_max.yaml", nullptr,
     ":3:17: error: family_risk.domestic_abuse.prevalence = 0.99 is out of range: expected 0 – 0.95 (share of children)"},
    // Lists: a wrong length points at the list, an element that is not a number at the element.
    {"list_wrong_length.yaml", nullptr,
     ":2:23: error: population.household_children needs exactly 4 values, found 3"},
    {"list_element_not_number.yaml", nullptr,
     ":6:9: error: family_risk.harm.age_multipliers expects a list of 4 numbers in rate ratio, found 'high' in the list"},
    // Choices (with the nearest choice) and dates (a day that does not exist is not a date).
    {"choice_misspelt.yaml", nullptr,
     ":2:13: error: run.holidays = 'england_and_wale' is not one of: england_and_wales / none (did you mean 'england_and_wales'?)"},
    {"invalid_date.yaml", nullptr,
     ":2:15: error: run.start_date = '2023-02-29' is not a valid date: expected YYYY-MM-DD"},
    // extends: a missing or circular file is reported at the `extends:` of the file naming it.
    {"extends_missing.yaml", nullptr, nullptr},  // names the resolved path: see expected_what()
    {"extends_not_text.yaml", nullptr,
     ":1:10: error: extends expects the path of another scenario file, found a list"},
    {"circular_a.yaml", "circular_b.yaml",
     ":2:10: error: circular extends: circular_a.yaml -> circular_b.yaml -> circular_a.yaml"},
    {"extends_self.yaml", nullptr,
     ":2:10: error: circular extends: extends_self.yaml -> extends_self.yaml"},
    {"extends_bad_base.yaml", "below_min.yaml",  // an error inside a base names the base
     ":2:13: error: population.children = 50 is out of range: expected 100 – 20000000 (children)"},
    // Not a scenario at all.
    {"empty.yaml", nullptr, ":1:1: error: the scenario file is empty"},
    {"comments_only.yaml", nullptr, ":1:1: error: the scenario file is empty"},
    {"unbalanced_brackets.yaml", nullptr,  // yaml-cpp notices the missing ']' where the next key starts
     ":5:17: error: not valid YAML: end of sequence flow not found"},
    {"json_unclosed.yaml", nullptr, ":2:1: error: not valid YAML: end of map flow not found"},
    {"extra_close.yaml", nullptr, ":1:16: error: not valid YAML: illegal flow end"},
    {"unterminated_quote.yaml", nullptr,
     ":3:13: error: run.holidays = 'none days: 30 ' is not one of: england_and_wales / none"},
    {"tab_indent.yaml", nullptr, ":2:6: error: not valid YAML: illegal map value"},
    {"csv.yaml", nullptr,  // valid YAML (one plain scalar), but not a map
     ":1:1: error: a scenario file must be a map of keys (name, extends, run, modules…), found "
     "'local_authority,children,cin_rate Metropolitan,150000,412.5'"},
    {"top_level_list.yaml", nullptr,
     ":1:1: error: a scenario file must be a map of keys (name, extends, run, modules…), found a list"},
    {"top_level_scalar.yaml", nullptr,
     ":1:1: error: a scenario file must be a map of keys (name, extends, run, modules…), found 'just some words'"},
    {"key_not_scalar.yaml", nullptr, ":1:3: error: keys must be plain names, found a list"},
    {"name_not_text.yaml", nullptr, ":1:7: error: name expects text, found a list"},
    // Duplicates: yaml-cpp would silently keep one of them, so the second is an error.
    {"duplicate_key.yaml", nullptr, ":4:3: error: duplicate key 'days'"},
    {"duplicate_module.yaml", nullptr, ":5:1: error: duplicate key 'population'"},
    // set: takes dotted paths to parameters.
    {"set_unknown.yaml", nullptr,
     ":3:3: error: unknown parameter 'family_risk.harm.base_rat' (did you mean 'family_risk.harm.base_rate'?)"},
    {"set_not_map.yaml", nullptr,
     ":1:6: error: set expects a map of dotted parameter paths to values, found 'family_risk.harm.base_rate=0.03'"},
    {"set_out_of_range.yaml", nullptr, ":2:13: error: run.days = 0 is out of range: expected 1 – 36525 (days)"},
    // A file that is not there has no line to point at.
    {"no_such_file.yaml", nullptr, ": error: scenario file not found"},
};
// clang-format on

std::string expected_what(const BadCase& c) {
  if (std::string(c.fixture) == "extends_missing.yaml")
    return bad(c.fixture) + ":3:10: error: extends '" + via_extends("no_such_base.yaml") + "': file not found";
  return (c.reported ? via_extends(c.reported) : bad(c.fixture)) + c.expected;
}

// Runs one file and compares the whole message.
void expect_error(const std::string& fixture, const std::string& expected) {
  SCOPED_TRACE(fixture);
  const auto err = load_error(bad(fixture));
  ASSERT_TRUE(err.has_value()) << fixture << " loaded without error";
  EXPECT_EQ(std::string(err->what()), expected);
}

// A one-line message has no control characters: no newlines, no raw bytes from the file.
bool printable(const std::string& s) {
  for (unsigned char ch : s)
    if (ch < 0x20 || ch == 0x7f) return false;
  return true;
}

// Restores the working directory when a test that changed it ends, pass or fail.
struct WorkingDirectory {
  explicit WorkingDirectory(const fs::path& dir) : old(fs::current_path()) { fs::current_path(dir); }
  ~WorkingDirectory() { fs::current_path(old); }
  fs::path old;
};

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace

TEST(ScenarioErrors, EachBadInputHasItsExactMessage) {
  static_assert(std::size(kCases) >= 18, "the issue asks for a table of at least 15 bad inputs");
  for (const BadCase& c : kCases) expect_error(c.fixture, expected_what(c));
}

// The fixture files must exist (apart from the one that must not), or a case would pass
// as "file not found" for the wrong reason.
TEST(ScenarioErrors, FixturesExist) {
  for (const BadCase& c : kCases)
    EXPECT_EQ(fs::exists(bad(c.fixture)), std::string(c.fixture) != "no_such_file.yaml") << c.fixture;
}

// --- Known defects: these assert the behaviour the issue asks for and fail until the
// loader is fixed (see the report that came with these tests).

// `seed:` at the top level belongs under run:. The registry's own hint is run.seed,
// but the loader replaces it with the file key 'set' because "seed" is within two
// edits of "set" — and "key" gets 'set' too, although it has nothing in common.
TEST(ScenarioErrors, TopLevelHintPrefersTheCloserParameterOverAFileKey) {
  expect_error("wrong_level_top.yaml", bad("wrong_level_top.yaml") + ":4:1: error: unknown key 'seed' (did you mean 'run.seed'?)");
  expect_error("short_key.yaml", bad("short_key.yaml") + ":1:1: error: unknown key 'key'");
}

// A key with no value: the message names run.seed, so the position must be run.seed's
// line, not the next key's (or a line after the end of the file).
TEST(ScenarioErrors, MissingValuePointsAtItsKey) {
  expect_error("missing_value.yaml", bad("missing_value.yaml") + ":2:3: error: run.seed expects a whole number, found nothing");
  expect_error("missing_value_at_end.yaml",
               bad("missing_value_at_end.yaml") + ":2:3: error: run.seed expects a whole number, found nothing");
}

// In a block list the offending element is on its own line; pointing at the first
// element sends the reader to the wrong line.
TEST(ScenarioErrors, ListElementOutOfRangePointsAtTheElement) {
  expect_error("list_element_out_of_range.yaml",
               bad("list_element_out_of_range.yaml") +
                   ":6:7: error: population.household_children = 1.12 is out of range: expected 4 values, each 0 – 1 "
                   "(share of families)");
}

// run.seed is declared with maximum 2^53 - 1, so that value is valid; the loader
// refuses any whole number above 9.0e15 as "not a whole number".
TEST(ScenarioErrors, SeedAtItsDeclaredMaximumLoads) {
  const ParamSpec* seed = registry().find("run.seed");
  ASSERT_NE(seed, nullptr);
  ASSERT_EQ(seed->max, 9007199254740991.0);
  try {
    const Scenario sc = load_scenario(bad("seed_max.yaml"), registry());
    EXPECT_EQ(sc.value(registry(), "run.seed"), ParamValue(int64_t{9007199254740991}));
  } catch (const ScenarioError& e) {
    ADD_FAILURE() << e.what();
  }
  Scenario sc;
  EXPECT_NO_THROW(apply_override(sc, "run.seed=9007199254740991", registry()));
}

// Whole numbers are decimal, as reals are (YAML 1.2): a leading zero must not turn
// "010" into octal 8, which yaml-cpp's integer conversion does.
TEST(ScenarioErrors, WholeNumbersAreDecimal) {
  Scenario sc;
  apply_override(sc, "run.days=010", registry());
  apply_override(sc, "population.births_per_10k=010", registry());
  EXPECT_EQ(sc.value(registry(), "run.days"), ParamValue(int64_t{10}));
  EXPECT_EQ(sc.value(registry(), "population.births_per_10k"), ParamValue(10.0));
  // A whole number written as a real is still accepted where a whole number is expected.
  apply_override(sc, "population.children=1.5e5", registry());
  EXPECT_EQ(sc.value(registry(), "population.children"), ParamValue(int64_t{150000}));
}

// 1e30 children is a whole number, only far out of range: calling it "not a whole
// number" sends the user looking for a decimal point that is not there.
TEST(ScenarioErrors, HugeWholeNumberIsOutOfRange) {
  expect_error("huge_integer.yaml",
               bad("huge_integer.yaml") +
                   ":3:13: error: population.children = 1e+30 is out of range: expected 100 – 20000000 (children)");
}

// Every message is one line (the CLI prints it as is; editors and scripts parse
// "file:line:col"). A block scalar must not spill its own newlines into the message.
TEST(ScenarioErrors, MessagesAreOneLineEvenForMultiLineValues) {
  for (const BadCase& c : kCases) {
    const auto err = load_error(bad(c.fixture));
    ASSERT_TRUE(err.has_value()) << c.fixture;
    EXPECT_TRUE(printable(err->what())) << err->what();
  }
  const auto err = load_error(bad("multiline_scalar.yaml"));
  ASSERT_TRUE(err.has_value());
  const std::string what = err->what();
  EXPECT_EQ(what.rfind(bad("multiline_scalar.yaml") + ":2:19: error: population.births_per_10k expects a number", 0), 0u)
      << what;
  EXPECT_TRUE(printable(what)) << what;
}

// A binary file is "not YAML" too: the error must still be a readable line at a
// position, without the raw bytes yaml-cpp quotes back ("unknown escape character: \x10").
TEST(ScenarioErrors, BinaryFileGivesAPrintableError) {
  for (const char* fixture : {"binary_gzip.yaml", "binary_sqlite.yaml"}) {
    SCOPED_TRACE(fixture);
    const auto err = load_error(bad(fixture));
    ASSERT_TRUE(err.has_value());
    const std::string what = err->what();
    EXPECT_EQ(what.rfind(bad(fixture) + ":1:", 0), 0u) << what;
    EXPECT_TRUE(printable(what)) << what;
  }
}

// A group is not a parameter: set: and --set take full dotted paths, so the hint must
// name a parameter, never repeat the very name that was refused.
static void expect_hint_is_a_parameter(const std::string& what, const std::string& refused) {
  EXPECT_EQ(what.find("did you mean '" + refused + "'?"), std::string::npos) << what;
  const size_t q = what.find("did you mean '");
  if (q == std::string::npos) return;
  const size_t from = q + std::string("did you mean '").size();
  const std::string hint = what.substr(from, what.find('\'', from) - from);
  EXPECT_NE(registry().find(hint), nullptr) << "hint is not a parameter: " << hint;
}

TEST(ScenarioErrors, SetOfAGroupSuggestsAParameterNotItself) {
  for (const char* assignment : {"population=1000", "family_risk.harm=0.02"}) {
    SCOPED_TRACE(assignment);
    const auto err = override_error(assignment);
    ASSERT_TRUE(err.has_value());
    const std::string what = err->what();
    const std::string path = std::string(assignment).substr(0, std::string(assignment).find('='));
    expect_hint_is_a_parameter(what, path);
  }
  const auto err = load_error(bad("set_group.yaml"));
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(std::string(err->what()).rfind(bad("set_group.yaml") + ":2:3: error: ", 0), 0u) << err->what();
  expect_hint_is_a_parameter(err->what(), "population");
}

// --- The rules work for any registry, so a boolean (the model has none yet) is checked
// on a one-parameter registry.
TEST(ScenarioErrors, BooleanGivenMaybe) {
  ParamRegistry reg;
  bool flag = false;
  ParamDeclarer d(reg, "toy");
  d.boolean(flag, {"enabled", false, "a switch", Provenance::user, "test"});
  const auto err = load_error(bad("bool_maybe.yaml"), reg);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(std::string(err->what()), bad("bool_maybe.yaml") + ":2:12: error: toy.enabled expects true or false, found 'maybe'");
  // YAML's own spellings do load, so the refusal above is about "maybe".
  const Scenario ok = load_scenario(kData + "/good_bool.yaml", reg);
  EXPECT_EQ(ok.value(reg, "toy.enabled"), ParamValue(true));
}

TEST(ScenarioErrors, OverrideMessages) {
  struct Case {
    const char* assignment;
    const char* expected;
  };
  // clang-format off
  const Case cases[] = {
      {"run.seed", "--set run.seed: error: expected PATH=VALUE"},
      {"=5", "--set =5: error: expected PATH=VALUE"},
      {"run.sed=3", "--set run.sed=3: error: unknown parameter 'run.sed' (did you mean 'run.seed'?)"},
      {"population.chldren=1000",
       "--set population.chldren=1000: error: unknown parameter 'population.chldren' (did you mean 'population.children'?)"},
      {"population.children=5",
       "--set population.children=5: error: population.children = 5 is out of range: expected 100 – 20000000 (children)"},
      {"run.days=ten", "--set run.days=ten: error: run.days expects a whole number in days, found 'ten'"},
      {"run.days=", "--set run.days=: error: run.days expects a whole number in days, found nothing"},
      // A Cyrillic 'е' that looks like the Latin one: the hint shows the real spelling.
      {"run.holidays=nonе",
       "--set run.holidays=nonе: error: run.holidays = 'nonе' is not one of: england_and_wales / none (did you mean 'none'?)"},
      {"population.household_children=[0.5, 0.5]",
       "--set population.household_children=[0.5, 0.5]: error: population.household_children needs exactly 4 values, found 2"},
      {"run.days=[1", "--set run.days=[1: error: value is not valid YAML: end of sequence flow not found"},
  };
  // clang-format on
  for (const Case& c : cases) {
    SCOPED_TRACE(c.assignment);
    const auto err = override_error(c.assignment);
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(std::string(err->what()), c.expected);
  }
}

// A valid --set is read as YAML (so lists work), is checked, and wins over the file.
TEST(ScenarioErrors, OverrideWinsOverTheFile) {
  const ParamRegistry& reg = registry();
  Scenario sc = load_scenario(std::string(SGSIM_SOURCE_DIR) + "/scenarios/local/metropolitan.yaml", reg);
  ASSERT_EQ(sc.value(reg, "population.children"), ParamValue(int64_t{150000}));
  apply_override(sc, "population.children=2000", reg);
  apply_override(sc, "population.household_children=[0.25, 0.25, 0.25, 0.25]", reg);
  EXPECT_EQ(sc.value(reg, "population.children"), ParamValue(int64_t{2000}));
  EXPECT_EQ(sc.value(reg, "population.household_children"), ParamValue(std::vector<double>{0.25, 0.25, 0.25, 0.25}));
}

// The scenarios shipped with the model must always pass their own validation.
TEST(ScenarioErrors, BundledScenariosLoad) {
  const ParamRegistry& reg = registry();
  const std::string england = std::string(SGSIM_SOURCE_DIR) + "/scenarios/england.yaml";
  const std::string metro = std::string(SGSIM_SOURCE_DIR) + "/scenarios/local/metropolitan.yaml";
  Scenario e, m;
  ASSERT_NO_THROW(e = load_scenario(england, reg));
  ASSERT_NO_THROW(m = load_scenario(metro, reg));
  EXPECT_EQ(e.name, "england");
  EXPECT_EQ(e.files.size(), 1u);
  EXPECT_EQ(m.name, "metropolitan");
  ASSERT_EQ(m.files.size(), 2u);  // base first
  EXPECT_EQ(fs::path(m.files[0]), fs::weakly_canonical(england));
  EXPECT_EQ(fs::path(m.files[1]), fs::weakly_canonical(metro));
  // metropolitan overrides england's replicates and keeps its days and seed.
  EXPECT_EQ(e.value(reg, "run.replicates"), ParamValue(int64_t{4}));
  EXPECT_EQ(m.value(reg, "run.replicates"), ParamValue(int64_t{8}));
  EXPECT_EQ(m.value(reg, "run.seed"), ParamValue(int64_t{20240401}));
  EXPECT_EQ(m.value(reg, "population.deprivation_deciles"),
            ParamValue(std::vector<double>{0.27, 0.18, 0.12, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04, 0.04}));
  // Each value remembers where it was written, for range errors and the resolved file.
  auto origin = [&](const Scenario& sc, const std::string& path) {
    for (size_t i = 0; i < sc.overrides.size(); ++i)
      if (sc.overrides[i].first == path) return sc.origins[i];
    return Origin{};
  };
  EXPECT_EQ(origin(m, "run.replicates").text(), metro + ":17:15");
  const Origin days = origin(m, "run.days");
  EXPECT_EQ(fs::weakly_canonical(days.file), fs::weakly_canonical(england));
  EXPECT_EQ(days.line, 16);
}

// extends is resolved from the extending file's folder, whatever the working
// directory; later files win, and within a file a later block wins. Decoy files
// sit where a working-directory-relative lookup would find them.
TEST(ScenarioErrors, ExtendsIsRelativeToTheExtendingFile) {
  const ParamRegistry& reg = registry();
  const fs::path root = fs::temp_directory_path() / ("sgsim_extends_" + std::to_string(::getpid()));
  fs::remove_all(root);
  write(root / "base.yaml", "population:\n  children: 7777\n  births_per_10k: 777\n");
  write(root / "work" / "mid.yaml", "run:\n  seed: 77\n");
  const fs::path leaf = fs::path(kData) / "extends" / "sub" / "leaf.yaml";
  {
    WorkingDirectory cwd(root / "work");
    for (const std::string& given : {leaf.string(), fs::relative(leaf).string()}) {
      SCOPED_TRACE(given);
      Scenario sc;
      ASSERT_NO_THROW(sc = load_scenario(given, reg));
      EXPECT_EQ(sc.name, "leaf");
      ASSERT_EQ(sc.files.size(), 3u);
      EXPECT_EQ(fs::path(sc.files[0]), fs::weakly_canonical(fs::path(kData) / "extends" / "base.yaml"));
      EXPECT_EQ(fs::path(sc.files[1]), fs::weakly_canonical(fs::path(kData) / "extends" / "sub" / "mid.yaml"));
      EXPECT_EQ(fs::path(sc.files[2]), fs::weakly_canonical(leaf));
      EXPECT_EQ(sc.value(reg, "run.seed"), ParamValue(int64_t{11}));         // base only
      EXPECT_EQ(sc.value(reg, "run.replicates"), ParamValue(int64_t{3}));    // base only
      EXPECT_EQ(sc.value(reg, "population.births_per_10k"), ParamValue(450.0));  // mid over base
      EXPECT_EQ(sc.value(reg, "population.children"), ParamValue(int64_t{6000}));  // leaf over base
      EXPECT_EQ(sc.value(reg, "run.days"), ParamValue(int64_t{300}));  // leaf's set: after its run: block
    }
  }
  fs::remove_all(root);
}
