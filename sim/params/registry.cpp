#include "sim/params/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/calendar/calendar.hpp"

namespace sgsim {

std::string_view to_string(ParamType t) {
  switch (t) {
    case ParamType::real: return "real";
    case ParamType::integer: return "integer";
    case ParamType::boolean: return "boolean";
    case ParamType::choice: return "choice";
    case ParamType::real_list: return "list of reals";
    case ParamType::date: return "date";
  }
  return "?";
}

std::string_view to_string(Provenance p) {
  switch (p) {
    case Provenance::seed: return "SEED";
    case Provenance::national: return "NATIONAL";
    case Provenance::fitted: return "FITTED";
    case Provenance::user: return "USER";
    case Provenance::placeholder: return "PLACEHOLDER";
  }
  return "?";
}

static std::string format_number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);  // shortest round-trip form
}

std::string format_value(const ParamValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, double>) return format_number(x);
        else if constexpr (std::is_same_v<T, int64_t>) return fmt::format("{}", x);
        else if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::string>) return x;
        else {
          std::string s = "[";
          for (size_t i = 0; i < x.size(); ++i) s += (i ? ", " : "") + format_number(x[i]);
          return s + "]";
        }
      },
      v);
}

std::string ParamSpec::range_text() const {
  switch (type) {
    case ParamType::real:
    case ParamType::integer: return fmt::format("{} – {}", format_number(min), format_number(max));
    case ParamType::real_list:
      if (any_length) return fmt::format("0–{} values, each {} – {}", kMaxListLength, format_number(min), format_number(max));
      return fmt::format("{} values, each {} – {}", list_size, format_number(min), format_number(max));
    case ParamType::boolean: return "true / false";
    case ParamType::choice: {
      std::string s;
      for (size_t i = 0; i < choices.size(); ++i) s += (i ? " / " : "") + choices[i];
      return s;
    }
    case ParamType::date: return "YYYY-MM-DD";
  }
  return "";
}

std::string Origin::text() const {
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

std::optional<std::string> check_value(const ParamSpec& s, const ParamValue& v) {
  auto out_of_range = [&](double x) -> std::optional<std::string> {
    if (!(x >= s.min && x <= s.max))
      return fmt::format("{} = {} is out of range: expected {}{}", s.path, format_number(x), s.range_text(),
                         s.unit.empty() ? "" : " (" + s.unit + ")");
    return std::nullopt;
  };
  switch (s.type) {
    case ParamType::real: return out_of_range(std::get<double>(v));
    case ParamType::integer: return out_of_range(static_cast<double>(std::get<int64_t>(v)));
    case ParamType::real_list: {
      const auto& xs = std::get<std::vector<double>>(v);
      if (s.any_length && xs.size() > kMaxListLength)
        return fmt::format("{} takes at most {} values, found {}", s.path, kMaxListLength, xs.size());
      if (!s.any_length && xs.size() != s.list_size)
        return fmt::format("{} needs exactly {} values, found {}", s.path, s.list_size, xs.size());
      for (double x : xs)
        if (auto e = out_of_range(x)) return e;
      return std::nullopt;
    }
    case ParamType::choice: {
      const auto& c = std::get<std::string>(v);
      if (std::find(s.choices.begin(), s.choices.end(), c) == s.choices.end())
        return fmt::format("{} = '{}' is not one of: {}", s.path, c, s.range_text());
      return std::nullopt;
    }
    case ParamType::date:
      if (!parse_iso_date(std::get<std::string>(v)))
        return fmt::format("{} = '{}' is not a valid date: expected YYYY-MM-DD", s.path, std::get<std::string>(v));
      return std::nullopt;
    case ParamType::boolean: return std::nullopt;
  }
  return std::nullopt;
}

void ParamRegistry::add(ParamSpec spec, std::function<void(const ParamValue&)> setter) {
  if (find(spec.path)) throw std::logic_error("parameter declared twice: " + spec.path);
  if (auto err = check_value(spec, spec.default_value))
    throw std::logic_error("default out of its own range: " + *err);
  setter(spec.default_value);
  specs_.push_back(std::move(spec));
  setters_.push_back(std::move(setter));
}

const ParamSpec* ParamRegistry::find(std::string_view path) const {
  for (const auto& s : specs_)
    if (s.path == path) return &s;
  return nullptr;
}

bool ParamRegistry::is_prefix(std::string_view prefix) const {
  for (const auto& s : specs_)
    if (s.path.size() > prefix.size() && s.path.compare(0, prefix.size(), prefix) == 0 && s.path[prefix.size()] == '.')
      return true;
  return false;
}

std::vector<std::string> ParamRegistry::keys_under(std::string_view prefix) const {
  std::vector<std::string> keys;
  const size_t start = prefix.empty() ? 0 : prefix.size() + 1;
  for (const auto& s : specs_) {
    if (!prefix.empty() && !(s.path.size() > prefix.size() && s.path.compare(0, prefix.size(), prefix) == 0 &&
                             s.path[prefix.size()] == '.'))
      continue;
    std::string seg = s.path.substr(start, s.path.find('.', start) - start);
    if (std::find(keys.begin(), keys.end(), seg) == keys.end()) keys.push_back(seg);
  }
  return keys;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0u : 1u)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> ParamRegistry::nearest(std::string_view path) const {
  // A hint is only useful when it is close: allow about a third of the key to differ.
  auto close_enough = [](std::string_view key, size_t d) { return d <= std::max<size_t>(2, key.size() / 3); };
  const size_t dot = path.rfind('.');
  const std::string prefix(dot == std::string_view::npos ? "" : path.substr(0, dot));
  const std::string_view last = dot == std::string_view::npos ? path : path.substr(dot + 1);
  std::optional<std::string> best;
  size_t best_d = SIZE_MAX;
  for (const auto& k : keys_under(prefix)) {
    if (k == last) continue;  // never suggest the input itself (it is a group, not a parameter)
    size_t d = edit_distance(last, k);
    if (d < best_d) best_d = d, best = prefix.empty() ? k : prefix + "." + k;
  }
  if (best && close_enough(last, best_d)) return best;
  // The key may be at the wrong level or under a misspelt module: compare whole paths,
  // and also the last segment against every parameter's own name.
  best.reset();
  best_d = SIZE_MAX;
  for (const auto& s : specs_) {
    if (s.path == path) continue;
    size_t d = edit_distance(path, s.path);
    const size_t sdot = s.path.rfind('.');
    d = std::min(d, edit_distance(last, std::string_view(s.path).substr(sdot + 1)) + 1);
    if (d < best_d) best_d = d, best = s.path;
  }
  if (best && close_enough(path, best_d)) return best;
  return std::nullopt;
}

void ParamRegistry::apply(const std::vector<std::pair<std::string, ParamValue>>& values) const {
  for (const auto& [path, value] : values) {
    bool found = false;
    for (size_t i = 0; i < specs_.size(); ++i)
      if (specs_[i].path == path) {
        setters_[i](value);
        found = true;
        break;
      }
    if (!found) throw std::logic_error("apply: unknown parameter " + path);
  }
}

ParamSpec ParamDeclarer::spec(const std::string& name, ParamType type, std::string unit, ParamValue def,
                              std::string meaning, Provenance provenance, std::string source) const {
  ParamSpec s;
  s.path = full(name);
  s.type = type;
  s.unit = std::move(unit);
  s.default_value = std::move(def);
  s.meaning = std::move(meaning);
  s.provenance = provenance;
  s.source = std::move(source);
  return s;
}

void ParamDeclarer::real(double& target, Real d) {
  ParamSpec s = spec(d.name, ParamType::real, d.unit, d.def, d.meaning, d.provenance, d.source);
  s.min = d.min;
  s.max = d.max;
  // A whole number given for a real (from code or a test) is the same number.
  reg_.add(std::move(s), [&target](const ParamValue& v) {
    target = std::holds_alternative<int64_t>(v) ? static_cast<double>(std::get<int64_t>(v)) : std::get<double>(v);
  });
}

void ParamDeclarer::integer(int64_t& target, Integer d) {
  ParamSpec s = spec(d.name, ParamType::integer, d.unit, d.def, d.meaning, d.provenance, d.source);
  s.min = static_cast<double>(d.min);
  s.max = static_cast<double>(d.max);
  reg_.add(std::move(s), [&target](const ParamValue& v) { target = std::get<int64_t>(v); });
}

void ParamDeclarer::boolean(bool& target, Bool d) {
  reg_.add(spec(d.name, ParamType::boolean, "", d.def, d.meaning, d.provenance, d.source),
           [&target](const ParamValue& v) { target = std::get<bool>(v); });
}

void ParamDeclarer::choice(std::string& target, Choice d) {
  ParamSpec s = spec(d.name, ParamType::choice, "", d.def, d.meaning, d.provenance, d.source);
  s.choices = d.choices;
  reg_.add(std::move(s), [&target](const ParamValue& v) { target = std::get<std::string>(v); });
}

void ParamDeclarer::real_list(std::vector<double>& target, RealList d) {
  ParamSpec s = spec(d.name, ParamType::real_list, d.unit, d.def, d.meaning, d.provenance, d.source);
  s.min = d.min;
  s.max = d.max;
  s.list_size = d.def.size();
  s.any_length = d.any_length;
  reg_.add(std::move(s), [&target](const ParamValue& v) { target = std::get<std::vector<double>>(v); });
}

void ParamDeclarer::date(std::string& target, Date d) {
  reg_.add(spec(d.name, ParamType::date, "", d.def, d.meaning, Provenance::user, d.source),
           [&target](const ParamValue& v) { target = std::get<std::string>(v); });
}

}  // namespace sgsim
