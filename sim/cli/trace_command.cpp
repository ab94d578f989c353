#include "sim/cli/trace_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "sim/cli/analysis_commands.hpp"
#include "sim/output/pending_file.hpp"
#include "sim/trace/trace.hpp"

namespace sgsim {

int cmd_trace(const TraceArgs& a, const ModelFactory& factory) {
  auto model = bind_model(factory);
  Scenario sc = load_scenario(a.scenario, model->registry);
  for (const auto& s : a.sets) apply_override(sc, s, model->registry);

  TraceRequest rq;
  if (a.child >= 0) rq.child = static_cast<AgentId>(a.child);
  rq.replicate = static_cast<uint32_t>(a.replicate);
  rq.continuations = static_cast<uint32_t>(a.continuations);
  rq.scale = a.scale;
  for (const auto& b : a.branches) {
    auto [date, change] = parse_branch(b, sc, model->registry);
    if (!rq.branch_date.empty() && date != rq.branch_date)
      throw ScenarioError({"--branch", 0, 0}, "every --branch must be on the same date (" + rq.branch_date + " and " +
                                                  date + ")");
    rq.branch_date = date;
    rq.changes.push_back(std::move(change));
  }
  if (!rq.branch_date.empty()) trace_branch_day(sc, factory, rq.branch_date);  // a bad date fails before any run

  // Nothing is written unless the whole trace is made; a file is replaced only
  // with --force (the page itself is written by analysis/trace.py the same way).
  if (!a.output.empty()) PendingFile check(a.output, a.force);
  std::optional<PendingFile> json_file;
  if (!a.json.empty()) json_file.emplace(a.json, a.force);

  const nlohmann::json doc = trace_child(sc, factory, rq);

  std::string json_path;
  bool temporary = false;
  if (json_file) {
    {
      std::ofstream out(json_file->temp_path());
      out << doc.dump(1) << "\n";
      if (!out) throw std::runtime_error("cannot write " + json_file->temp_path());
    }
    json_file->commit();
    json_path = a.json;
  } else {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sgsim-trace-XXXXXX").string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) throw std::runtime_error("cannot make a temporary file in " + std::filesystem::temp_directory_path().string());
    ::close(fd);
    std::ofstream out(tmpl);
    out << doc.dump() << "\n";
    if (!out) throw std::runtime_error("cannot write " + tmpl);
    json_path = tmpl;
    temporary = true;
  }
  std::vector<std::string> args = {json_path};
  if (!a.output.empty()) args.insert(args.end(), {"-o", a.output});
  if (a.force) args.emplace_back("--force");
  if (temporary) args.emplace_back("--delete-input");
  std::cout.flush();
  return exec_python("analysis.trace", args);
}

}  // namespace sgsim
