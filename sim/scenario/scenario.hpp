#pragma once
// Scenario files: YAML with `extends:`, nested module blocks, dotted `set:`
// overrides and a `run:` block (DESIGN.md §4). Everything is validated against the
// parameter registry before anything runs; every error names file, line and column
// and, for an unknown key, the nearest valid one.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/params/registry.hpp"

namespace sgsim {

// A bad scenario. what() is one line: "file:line:col: error: message".
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(Origin where, const std::string& message);
  const Origin& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  Origin where_;
  std::string message_;
};

struct Scenario {
  std::string name;
  std::string description;
  std::vector<std::string> files;  // the extends chain, base first
  // Values set by the files and the command line, in the order applied (later wins);
  // anything not listed keeps its registry default.
  std::vector<std::pair<std::string, ParamValue>> overrides;
  std::vector<Origin> origins;  // parallel to overrides
  // A national run: the table of local authorities (one World each; CSV, see
  // docs/authorities.md), or empty for a run of one authority. `authorities:` in a
  // file (relative to it) or --authorities on the command line.
  std::string authorities;
  std::string authorities_digest;  // FNV-1a of the table's bytes, in the resolved YAML

  // Value of a parameter after overrides (the default if none).
  ParamValue value(const ParamRegistry&, const std::string& path) const;
  void set(const std::string& path, ParamValue v, Origin where);
};

// Load and validate a scenario file (and the files it extends).
Scenario load_scenario(const std::string& path, const ParamRegistry& registry);

// Make `sc` a national run over the table at `path` (checked to exist by the caller).
void set_authorities(Scenario& sc, const std::string& path);

// Apply a command-line override "PATH=VALUE" (VALUE is read as YAML, so lists work).
void apply_override(Scenario& scenario, const std::string& assignment, const ParamRegistry& registry);

// The fully resolved scenario as YAML: every parameter with its value, nested by
// module, with the extends chain and any non-default values marked in comments.
// Stored in every output file so a run can be reproduced from it alone.
std::string resolved_yaml(const Scenario&, const ParamRegistry&);

}  // namespace sgsim
