// Docs generated from the code must match it: the scenario reference is the
// registry's own output, and the output schema names every metric the model writes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string_view>

#include "models/exploitation/exploitation.hpp"
#include "models/model.hpp"
#include "sim/cli/commands.hpp"
#include "sim/run/runner.hpp"

using namespace sgsim;

static std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Docs, ScenarioReferenceMatchesTheRegistry) {
  const std::string committed = read(std::string(SGSIM_SOURCE_DIR) + "/docs/scenario-reference.md");
  EXPECT_EQ(committed, scenario_reference_markdown(models::make_modules))
      << "docs/scenario-reference.md is stale: run `cmake --build build --target docs` and commit it";
}

TEST(Docs, OutputSchemaDocumentsEveryMetric) {
  const std::string doc = read(std::string(SGSIM_SOURCE_DIR) + "/docs/output.md");
  ASSERT_FALSE(doc.empty());
  Scenario sc;
  sc.name = "docs";
  sc.set("population.children", int64_t{200}, {});
  sc.set("run.days", int64_t{2}, {});
  std::vector<MetricInfo> metrics;
  run_replicate(sc, models::make_modules, 0, RunOptions{}, &metrics);
  ASSERT_FALSE(metrics.empty());
  // A split output (`<name>_<where>`, `<name>_out_of_area`) is documented by its
  // `<name>_<where>` row in the splits table.
  auto split_documented = [&](const std::string& name) {
    std::vector<std::string_view> suffixes(models::kWhereNames.begin(), models::kWhereNames.end());
    suffixes.emplace_back("out_of_area");
    for (std::string_view s : suffixes) {
      const std::string_view n(name);
      if (n.size() <= s.size() + 1 || !n.ends_with(s) || n[n.size() - s.size() - 1] != '_') continue;
      std::string row = "`";
      row.append(n.substr(0, n.size() - s.size()));
      row.append("<where>`");
      if (doc.find(row) != std::string::npos) return true;
    }
    return false;
  };
  for (const auto& m : metrics)
    EXPECT_TRUE(doc.find("`" + m.name + "`") != std::string::npos || split_documented(m.name)) << m.name;
}
