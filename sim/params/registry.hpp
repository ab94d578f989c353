#pragma once
// The parameter registry: every number a rule uses is declared here by the module
// that owns it, with a unit, a default, an allowed range, a one-line meaning and a
// source (DESIGN.md §3 "Parameters are data"; EVIDENCE.md §1.2 provenance tags).
// `sgsim describe` and docs/scenario-reference.md are generated from it, so the
// reference cannot drift from the code.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sgsim {

enum class ParamType { real, integer, boolean, choice, real_list, date };

// Where a default comes from (EVIDENCE.md §1.2): anchored to a seed document,
// a national statistic, the scenario author, or a neutral value awaiting calibration.
enum class Provenance { seed, national, fitted, user, placeholder };

std::string_view to_string(ParamType);
std::string_view to_string(Provenance);

// A parameter's value: real, integer, boolean, choice/date text, or a list of reals.
using ParamValue = std::variant<double, int64_t, bool, std::string, std::vector<double>>;

std::string format_value(const ParamValue&);

inline constexpr size_t kMaxListLength = 64;

struct ParamSpec {
  std::string path;  // dotted, e.g. "family_risk.harm.base_rate"
  ParamType type = ParamType::real;
  std::string unit;
  ParamValue default_value;
  double min = 0.0;  // inclusive numeric range; for lists it bounds every element
  double max = 0.0;
  size_t list_size = 0;              // for real_list
  bool any_length = false;           // for real_list: any number of values up to kMaxListLength
  std::vector<std::string> choices;  // for choice
  std::string meaning;
  Provenance provenance = Provenance::placeholder;
  std::string source;

  std::string range_text() const;
  std::string module() const { return path.substr(0, path.find('.')); }
};

// Where a value was written, so a range error points at the right file and line.
struct Origin {
  std::string file;  // or "--set" for the command line
  int line = 0;      // 1-based; 0 when not from a file
  int column = 0;
  std::string text() const;
};

// Checks a value against its spec; returns an error message or nothing.
std::optional<std::string> check_value(const ParamSpec&, const ParamValue&);

class ParamRegistry {
 public:
  // Register a spec and the function that stores a value into the module's state.
  void add(ParamSpec spec, std::function<void(const ParamValue&)> setter);

  const ParamSpec* find(std::string_view path) const;
  const std::vector<ParamSpec>& specs() const { return specs_; }
  bool is_prefix(std::string_view prefix) const;  // some parameter lives under prefix.
  std::vector<std::string> keys_under(std::string_view prefix) const;  // next path segments

  // The valid key nearest to `path` (edit distance on the last segment among its
  // siblings, then on whole paths), for "did you mean" hints.
  std::optional<std::string> nearest(std::string_view path) const;

  // Store values into the modules; a path not given keeps its default.
  void apply(const std::vector<std::pair<std::string, ParamValue>>& values) const;

 private:
  std::vector<ParamSpec> specs_;
  std::vector<std::function<void(const ParamValue&)>> setters_;
};

// Convenience for modules: declare a parameter and bind it to a field in one line,
// so declaring and reading a parameter happen in one place.
class ParamDeclarer {
 public:
  ParamDeclarer(ParamRegistry& registry, std::string prefix) : reg_(registry), prefix_(std::move(prefix)) {}

  struct Real {
    std::string name, unit;
    double def, min, max;
    std::string meaning;
    Provenance provenance;
    std::string source;
  };
  struct Integer {
    std::string name, unit;
    int64_t def, min, max;
    std::string meaning;
    Provenance provenance;
    std::string source;
  };
  struct Bool {
    std::string name;
    bool def;
    std::string meaning;
    Provenance provenance;
    std::string source;
  };
  struct Choice {
    std::string name;
    std::string def;
    std::vector<std::string> choices;
    std::string meaning;
    Provenance provenance;
    std::string source;
  };
  struct RealList {
    std::string name, unit;
    std::vector<double> def;
    double min, max;
    std::string meaning;
    Provenance provenance;
    std::string source;
    bool any_length = false;  // a list of any length (dates of events), not a fixed vector
  };
  struct Date {
    std::string name;
    std::string def;
    std::string meaning;
    std::string source;
  };

  void real(double& target, Real d);
  void integer(int64_t& target, Integer d);
  void boolean(bool& target, Bool d);
  void choice(std::string& target, Choice d);
  void real_list(std::vector<double>& target, RealList d);
  void date(std::string& target, Date d);

 private:
  std::string full(const std::string& name) const { return prefix_ + "." + name; }
  ParamSpec spec(const std::string& name, ParamType type, std::string unit, ParamValue def, std::string meaning,
                 Provenance provenance, std::string source) const;
  ParamRegistry& reg_;
  std::string prefix_;
};

size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace sgsim
