// Docs generated from the code must match it: the scenario reference is the
// registry's own output, and the output schema names every metric the model writes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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
  for (const auto& m : metrics) EXPECT_NE(doc.find("`" + m.name + "`"), std::string::npos) << m.name;
}
