#include "sim/scenario/scenario.hpp"

#include "sim/storage/fnv.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace sgsim {
namespace fs = std::filesystem;

ScenarioError::ScenarioError(Origin where, const std::string& message)
    : std::runtime_error(fmt::format("{}: error: {}", where.text(), message)), where_(std::move(where)),
      message_(message) {}

namespace {

// Keys a scenario file may have besides module blocks.
const std::vector<std::string> kFileKeys = {"name", "description", "extends", "set", "authorities"};

Origin at(const std::string& file, const YAML::Node& n) {
  const auto m = n.Mark();
  if (m.is_null()) return {file, 1, 1};
  return {file, m.line + 1, m.column + 1};
}

// Text from a file, made safe for a one-line message: control characters escaped
// and long values cut, so an error never spills over several lines.
std::string printable(std::string_view text, size_t limit = 60) {
  std::string out;
  for (char ch : text) {
    if (out.size() >= limit) {
      out += "…";
      break;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') out += "\\n";
    else if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += ch;
  }
  return out;
}

std::string node_kind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    default: return "'" + printable(n.Scalar()) + "'";
  }
}

std::string with_hint(std::string msg, const std::optional<std::string>& hint) {
  if (hint) msg += fmt::format(" (did you mean '{}'?)", *hint);
  return msg;
}

std::string expected_text(const ParamSpec& s) {
  std::string unit = s.unit.empty() ? "" : fmt::format(" in {}", s.unit);
  switch (s.type) {
    case ParamType::real: return "a number" + unit;
    case ParamType::integer: return "a whole number" + unit;
    case ParamType::boolean: return "true or false";
    case ParamType::choice: return "one of " + s.range_text();
    case ParamType::real_list: return fmt::format("a list of {} numbers{}", s.list_size, unit);
    case ParamType::date: return "a date YYYY-MM-DD";
  }
  return "a value";
}

bool parse_real(const YAML::Node& n, double& out) {
  if (!n.IsScalar()) return false;
  try {
    out = n.as<double>();
  } catch (const YAML::Exception&) {
    return false;
  }
  return std::isfinite(out);
}

// A whole number written in base 10 (yaml-cpp would read a leading zero as octal).
std::optional<int64_t> parse_decimal_integer(const std::string& text) {
  std::string_view t = text;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, 10);
  if (ec != std::errc() || end != t.data() + t.size() || t.empty()) return std::nullopt;
  return v;
}

// Read a YAML value as the spec's type, or throw a ScenarioError. `key_at` is where
// the key was written: an empty value has no position of its own.
ParamValue read_value(const ParamSpec& s, const YAML::Node& n, const std::string& file, const Origin& key_at) {
  const Origin here = n.IsNull() ? key_at : at(file, n);
  auto wrong = [&]() {
    return ScenarioError(here, fmt::format("{} expects {}, found {}", s.path, expected_text(s), node_kind(n)));
  };
  auto out_of_range = [&](double x, const Origin& where) {
    if (!(x >= s.min && x <= s.max))
      throw ScenarioError(where, fmt::format("{} = {} is out of range: expected {}{}", s.path, format_value(x), s.range_text(),
                                             s.unit.empty() ? "" : " (" + s.unit + ")"));
  };
  ParamValue v;
  switch (s.type) {
    case ParamType::real: {
      double x;
      if (!parse_real(n, x)) throw wrong();
      v = x;
      break;
    }
    case ParamType::integer: {
      if (!n.IsScalar()) throw wrong();
      if (auto i = parse_decimal_integer(n.Scalar())) {
        v = *i;
        break;
      }
      // "1e6" or "150000.0" are whole numbers too; beyond 2^53 they are only out of range.
      double x;
      if (!parse_real(n, x) || x != std::floor(x)) throw wrong();
      if (std::fabs(x) > 9007199254740991.0) out_of_range(x, here);
      v = static_cast<int64_t>(x);
      break;
    }
    case ParamType::boolean: {
      bool b;
      if (!n.IsScalar()) throw wrong();
      try {
        b = n.as<bool>();
      } catch (const YAML::Exception&) {
        throw wrong();
      }
      v = b;
      break;
    }
    case ParamType::choice: {
      if (!n.IsScalar()) throw wrong();
      const std::string c = n.Scalar();
      if (std::find(s.choices.begin(), s.choices.end(), c) == s.choices.end()) {
        std::optional<std::string> hint;
        size_t best = SIZE_MAX;
        for (const auto& k : s.choices)
          if (size_t d = edit_distance(c, k); d < best && d <= std::max<size_t>(2, k.size() / 3)) best = d, hint = k;
        throw ScenarioError(here, with_hint(fmt::format("{} = '{}' is not one of: {}", s.path, printable(c), s.range_text()), hint));
      }
      v = c;
      break;
    }
    case ParamType::real_list: {
      if (!n.IsSequence()) throw wrong();
      std::vector<double> xs;
      for (const auto& e : n) {
        double x;
        if (!parse_real(e, x))
          throw ScenarioError(at(file, e), fmt::format("{} expects {}, found {} in the list", s.path, expected_text(s), node_kind(e)));
        out_of_range(x, at(file, e));  // point at the element itself
        xs.push_back(x);
      }
      v = xs;
      break;
    }
    case ParamType::date: {
      if (!n.IsScalar()) throw wrong();
      v = n.Scalar();
      break;
    }
  }
  if (auto err = check_value(s, v)) throw ScenarioError(here, *err);
  return v;
}

// A path that names a group of parameters rather than one parameter.
std::string group_message(const std::string& path, const ParamRegistry& reg) {
  std::string example;
  for (const auto& spec : reg.specs())
    if (spec.path.rfind(path + ".", 0) == 0) {
      example = spec.path;
      break;
    }
  return fmt::format("'{}' is a group of parameters; give a full path such as '{}'", path, example);
}

// Map iteration that also rejects duplicate keys (yaml-cpp silently keeps one).
template <class F>
void for_each_entry(const YAML::Node& map, const std::string& file, F&& f) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar())
      throw ScenarioError(at(file, kv.first), "keys must be plain names, found " + node_kind(kv.first));
    const std::string key = kv.first.Scalar();
    if (!seen.insert(key).second) throw ScenarioError(at(file, kv.first), fmt::format("duplicate key '{}'", key));
    f(key, kv.first, kv.second);
  }
}

// A binary file (a spreadsheet, an HDF5 file given by mistake) is refused at its
// first control byte, before the YAML parser turns it into an unreadable message.
void reject_binary(const std::string& path, const std::string& shown) {
  std::ifstream in(path, std::ios::binary);
  int line = 1, col = 1;
  for (char ch; in.get(ch);) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      ++line, col = 1;
      continue;
    }
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
      throw ScenarioError({shown, line, col}, fmt::format("not a text file (byte 0x{:02x}): a scenario must be YAML text", c));
    ++col;
  }
}

}  // namespace

void set_authorities(Scenario& sc, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError({path, 0, 0}, "cannot read the table of authorities");
  std::stringstream bytes;
  bytes << in.rdbuf();
  const uint64_t h = fnv1a64(bytes.str());
  std::error_code ec;
  sc.authorities = fs::weakly_canonical(fs::absolute(path), ec).string();
  sc.authorities_digest = fmt::format("{:016x}", h);
}

namespace {

class Loader {
 public:
  explicit Loader(const ParamRegistry& reg) : reg_(reg) {}

  void load(const std::string& path, Scenario& sc, std::vector<std::string>& stack, const Origin& from) {
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::absolute(path), ec);
    const std::string shown = path;
    if (!fs::exists(p) || fs::is_directory(p)) {
      if (from.file.empty()) throw ScenarioError({shown, 0, 0}, "scenario file not found");
      throw ScenarioError(from, fmt::format("extends '{}': file not found", shown));
    }
    if (std::find(stack.begin(), stack.end(), p.string()) != stack.end()) {
      std::string chain;
      for (const auto& s : stack) chain += fs::path(s).filename().string() + " -> ";
      throw ScenarioError(from, fmt::format("circular extends: {}{}", chain, p.filename().string()));
    }
    stack.push_back(p.string());

    reject_binary(p.string(), shown);
    YAML::Node root;
    try {
      root = YAML::LoadFile(p.string());
    } catch (const YAML::ParserException& e) {
      throw ScenarioError({shown, e.mark.line + 1, e.mark.column + 1}, "not valid YAML: " + printable(e.msg, 120));
    } catch (const YAML::BadFile&) {
      throw ScenarioError({shown, 0, 0}, "cannot read the file");
    }
    if (root.IsNull()) throw ScenarioError({shown, 1, 1}, "the scenario file is empty");
    if (!root.IsMap())
      throw ScenarioError(at(shown, root), "a scenario file must be a map of keys (name, extends, run, modules…), found " + node_kind(root));

    // The base is applied first, so this file's values win.
    if (auto ext = root["extends"]) {
      if (!ext.IsScalar() || ext.Scalar().empty())
        throw ScenarioError(at(shown, ext), "extends expects the path of another scenario file, found " + node_kind(ext));
      fs::path base = p.parent_path() / ext.Scalar();
      load(base.string(), sc, stack, at(shown, ext));
      sc.description.clear();
    }
    sc.files.push_back(p.string());
    sc.name = p.stem().string();

    for_each_entry(root, shown, [&](const std::string& key, const YAML::Node& knode, const YAML::Node& val) {
      if (key == "extends") return;
      if (key == "name" || key == "description") {
        if (!val.IsScalar()) throw ScenarioError(at(shown, val), key + " expects text, found " + node_kind(val));
        (key == "name" ? sc.name : sc.description) = val.Scalar();
        return;
      }
      if (key == "authorities") {
        if (!val.IsScalar() || val.Scalar().empty())
          throw ScenarioError(at(shown, val), "authorities expects the path of a CSV table of local authorities "
                                              "(docs/authorities.md), found " + node_kind(val));
        const fs::path table = p.parent_path() / val.Scalar();
        if (!fs::exists(table) || fs::is_directory(table))
          throw ScenarioError(at(shown, val), fmt::format("authorities '{}': file not found", val.Scalar()));
        set_authorities(sc, table.string());
        return;
      }
      if (key == "set") {
        if (!val.IsMap())
          throw ScenarioError(at(shown, val), "set expects a map of dotted parameter paths to values, found " + node_kind(val));
        for_each_entry(val, shown, [&](const std::string& k, const YAML::Node& kn, const YAML::Node& v) {
          const ParamSpec* spec = reg_.find(k);
          if (!spec && reg_.is_prefix(k)) throw ScenarioError(at(shown, kn), group_message(k, reg_));
          if (!spec) throw ScenarioError(at(shown, kn), with_hint(fmt::format("unknown parameter '{}'", k), reg_.nearest(k)));
          sc.set(k, read_value(*spec, v, shown, at(shown, kn)), at(shown, v.IsNull() ? kn : v));
        });
        return;
      }
      walk(key, knode, val, shown, sc);
    });
    stack.pop_back();
  }

 private:
  void walk(const std::string& path, const YAML::Node& knode, const YAML::Node& val, const std::string& file, Scenario& sc) {
    if (const ParamSpec* spec = reg_.find(path)) {
      sc.set(path, read_value(*spec, val, file, at(file, knode)), at(file, val.IsNull() ? knode : val));
      return;
    }
    if (!reg_.is_prefix(path)) {
      const bool top = path.find('.') == std::string::npos;
      std::optional<std::string> hint = reg_.nearest(path);
      if (top) {
        // A file key (name, extends, set…) is suggested only when it is closer than
        // the nearest parameter: `seed:` means run.seed, not set.
        size_t hint_d = hint ? std::min(edit_distance(path, *hint),
                                        edit_distance(path, hint->substr(hint->rfind('.') + 1)) + 1)
                             : SIZE_MAX;
        for (const auto& k : kFileKeys)
          if (size_t d = edit_distance(path, k); d <= std::max<size_t>(1, k.size() / 3) && d < hint_d) hint = k, hint_d = d;
        throw ScenarioError(at(file, knode), with_hint(fmt::format("unknown key '{}'", path), hint));
      }
      throw ScenarioError(at(file, knode), with_hint(fmt::format("unknown parameter '{}'", path), hint));
    }
    if (!val.IsMap())
      throw ScenarioError(at(file, val), fmt::format("'{}' is a group of parameters and expects a map, found {}", path, node_kind(val)));
    for_each_entry(val, file, [&](const std::string& k, const YAML::Node& kn, const YAML::Node& v) {
      walk(path + "." + k, kn, v, file, sc);
    });
  }

  const ParamRegistry& reg_;
};

}  // namespace

ParamValue Scenario::value(const ParamRegistry& reg, const std::string& path) const {
  for (size_t i = overrides.size(); i-- > 0;)
    if (overrides[i].first == path) return overrides[i].second;
  const ParamSpec* s = reg.find(path);
  if (!s) throw std::logic_error("no such parameter: " + path);
  return s->default_value;
}

void Scenario::set(const std::string& path, ParamValue v, Origin where) {
  for (size_t i = 0; i < overrides.size(); ++i)
    if (overrides[i].first == path) {
      overrides[i].second = std::move(v);
      origins[i] = std::move(where);
      return;
    }
  overrides.emplace_back(path, std::move(v));
  origins.push_back(std::move(where));
}

Scenario load_scenario(const std::string& path, const ParamRegistry& registry) {
  Scenario sc;
  std::vector<std::string> stack;
  Loader(registry).load(path, sc, stack, Origin{});
  return sc;
}

void apply_override(Scenario& sc, const std::string& assignment, const ParamRegistry& reg) {
  const Origin where{"--set " + assignment, 0, 0};
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) throw ScenarioError(where, "expected PATH=VALUE");
  const std::string path = assignment.substr(0, eq);
  const ParamSpec* spec = reg.find(path);
  if (!spec && reg.is_prefix(path)) throw ScenarioError(where, group_message(path, reg));
  if (!spec) throw ScenarioError(where, with_hint(fmt::format("unknown parameter '{}'", path), reg.nearest(path)));
  YAML::Node node;
  try {
    node = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::ParserException& e) {
    throw ScenarioError(where, "value is not valid YAML: " + e.msg);
  }
  try {
    sc.set(path, read_value(*spec, node, where.file, where), where);
  } catch (const ScenarioError& e) {
    throw ScenarioError(where, e.message());
  }
}

std::string resolved_yaml(const Scenario& sc, const ParamRegistry& reg) {
  YAML::Emitter out;
  out << YAML::Comment("sgsim resolved scenario: every parameter with the value this run used");
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << sc.name;
  if (!sc.description.empty()) out << YAML::Key << "description" << YAML::Value << YAML::Literal << sc.description;
  std::string chain;
  for (const auto& f : sc.files) chain += (chain.empty() ? "" : " -> ") + fs::path(f).filename().string();
  out << YAML::Comment("resolved from: " + chain);
  if (!sc.authorities.empty()) {
    // What each authority sets is in the table; its digest names the table's contents.
    out << YAML::Key << "authorities" << YAML::Value << sc.authorities;
    out << YAML::Comment("table digest " + sc.authorities_digest);
  }

  // Emit nested maps by walking the sorted dotted paths and opening/closing groups.
  std::vector<std::string> open;
  auto split = [](const std::string& p) {
    std::vector<std::string> parts;
    std::stringstream ss(p);
    for (std::string s; std::getline(ss, s, '.');) parts.push_back(s);
    return parts;
  };
  std::vector<const ParamSpec*> specs;
  for (const auto& s : reg.specs()) specs.push_back(&s);
  // Modules in the order they were declared (run first), each module's parameters
  // sorted by path so that nested groups are contiguous.
  std::map<std::string, size_t> module_rank;
  for (const ParamSpec* s : specs) module_rank.emplace(s->module(), module_rank.size());
  std::stable_sort(specs.begin(), specs.end(), [&](const ParamSpec* a, const ParamSpec* b) {
    const size_t ra = module_rank[a->module()], rb = module_rank[b->module()];
    return ra != rb ? ra < rb : a->path < b->path;
  });
  for (const ParamSpec* s : specs) {
    auto parts = split(s->path);
    size_t common = 0;
    while (common < open.size() && common + 1 < parts.size() && open[common] == parts[common]) ++common;
    while (open.size() > common) {
      out << YAML::EndMap;
      open.pop_back();
    }
    for (size_t i = common; i + 1 < parts.size(); ++i) {
      out << YAML::Key << parts[i] << YAML::Value << YAML::BeginMap;
      open.push_back(parts[i]);
    }
    const ParamValue v = sc.value(reg, s->path);
    out << YAML::Key << parts.back() << YAML::Value;
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          // Numbers in their shortest round-trip form (yaml-cpp would print 17 digits).
          if constexpr (std::is_same_v<T, std::vector<double>>) {
            out << YAML::Flow << YAML::BeginSeq;
            for (double d : x) out << format_value(d);
            out << YAML::EndSeq;
          } else if constexpr (std::is_same_v<T, double>) {
            out << format_value(x);
          } else {
            out << x;
          }
        },
        v);
  }
  while (!open.empty()) {
    out << YAML::EndMap;
    open.pop_back();
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace sgsim
