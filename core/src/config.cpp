#include "meridian/core/config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <set>
#include <sstream>

#include "meridian/core/error.hpp"
#include "meridian/core/fnv1a.hpp"

namespace meridian::core {

namespace {

[[noreturn]] void fail(const std::string& context, const std::string& message) {
  throw ConfigError(-1, context, message);
}

// The shortest text that reads back to the same double ("1800", "0.649", "1e+30").
std::string format_number(double v) {
  if (v == std::trunc(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

bool parse_boolean(const std::string& s, bool& out) {
  if (s == "true" || s == "yes" || s == "on" || s == "1") return out = true, true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return out = false, true;
  return false;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// Checks `value` against `spec`; returns it normalised or throws naming `where`. Values are echoed
// through printable(): escaped and cut, so a 1 MB or control-character value stays one short line.
std::string validate(const OptionSpec& spec, const std::string& raw, const std::string& where) {
  const std::string value = trim(raw);
  const auto bad = [&] {
    fail(where, spec.key + " = '" + printable(value) + "' is not allowed; expected " + spec.allowed());
  };
  switch (spec.kind) {
    case OptionKind::integer: {
      long long v = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size()) bad();
      if ((spec.min && double(v) < *spec.min) || (spec.max && double(v) > *spec.max)) bad();
      return std::to_string(v);
    }
    case OptionKind::real: {
      char* end = nullptr;
      const double v = std::strtod(value.c_str(), &end);
      if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v)) bad();
      if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) bad();
      return format_number(v);
    }
    case OptionKind::boolean: {
      bool b = false;
      if (!parse_boolean(value, b)) bad();
      return b ? "true" : "false";
    }
    case OptionKind::choice:
      if (std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end()) bad();
      return value;
    case OptionKind::text:
      // A control character (a newline above all) could not be written back into config.ini.
      for (const char ch : value)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F) bad();
      // '#' starts a comment anywhere in an INI line, so the saved config.ini could not give it back.
      if (value.find('#') != std::string::npos)
        fail(where, spec.key + " = '" + printable(value) + "' is not allowed: '#' starts a comment in a config file");
      return value;
  }
  return value;
}

// One "key = value" line of an INI file: the key with its section prefix, and the line number.
struct Setting {
  std::string key, value;
  int line = 0;
};

// The INI dialect meridian reads and writes: "[section]" headers, "key = value" lines, '#' starts a
// comment anywhere, blank lines ignored, CRLF and a leading UTF-8 byte-order mark accepted. A key
// set twice is an error naming both lines: silently keeping the last one hides typos in long files.
std::vector<Setting> parse_ini(const std::string& text, const std::string& source) {
  std::vector<Setting> settings;
  std::map<std::string, int> seen;
  std::string section;
  std::size_t begin = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  for (int line_no = 1; begin < text.size(); ++line_no) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string raw = text.substr(begin, end - begin);
    begin = end + 1;
    const std::string line = trim(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    const std::string where = source + " line " + std::to_string(line_no);
    const auto syntax = [&](const std::string& why) {
      fail(where, "syntax error: '" + printable(line) + "' " + why +
                      " (expected 'key = value' lines under [section] headers)");
    };
    if (line.front() == '[') {
      if (line.back() != ']' || trim(line.substr(1, line.size() - 2)).empty()) syntax("is not a [section] header");
      section = trim(line.substr(1, line.size() - 2));
      continue;
    }
    const std::size_t equals = line.find('=');
    if (equals == std::string::npos) syntax("is not an option");
    const std::string name = trim(line.substr(0, equals));
    if (name.empty()) syntax("has no key before '='");
    Setting s{section.empty() ? name : section + "." + name, trim(line.substr(equals + 1)), line_no};
    const auto [it, fresh] = seen.emplace(s.key, line_no);
    if (!fresh)
      fail(source, printable(s.key) + " is set twice, on lines " + std::to_string(it->second) + " and " +
                       std::to_string(line_no) + "; keep one");
    settings.push_back(std::move(s));
  }
  return settings;
}

void unknown_key(const OptionRegistry& registry, const std::string& key, const std::string& where) {
  const std::string near = registry.nearest(key);
  fail(where, "unknown option '" + printable(key) + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
}

}  // namespace

std::string OptionSpec::allowed() const {
  const auto bounds = [&](const char* what) {
    std::string out = what;
    if (min && max) return out + " in [" + format_number(*min) + ", " + format_number(*max) + "]";
    if (min) return out + " >= " + format_number(*min);
    if (max) return out + " <= " + format_number(*max);
    return out;
  };
  switch (kind) {
    case OptionKind::integer: return bounds("an integer");
    case OptionKind::real: return bounds("a finite number");
    case OptionKind::boolean: return "true or false";
    case OptionKind::text: return "a single line of text";
    case OptionKind::choice: {
      std::string out = "one of ";
      for (std::size_t i = 0; i < choices.size(); ++i) out += (i ? ", " : "") + choices[i];
      return out;
    }
  }
  return {};
}

OptionSpec& OptionRegistry::add(OptionSpec spec) {
  if (find(spec.key)) throw Error(-1, "option registry", "option '" + spec.key + "' declared twice");
  if (spec.key.find('.') == std::string::npos)
    throw Error(-1, "option registry", "option '" + spec.key + "' has no section (expected section.name)");
  // Options of one section stay together whoever declares them (the driver declares grid.nx, the
  // model grid.mask): the written config and --help show each section once.
  const std::string section = spec.key.substr(0, spec.key.find('.'));
  auto at = specs_.end();
  for (auto it = specs_.begin(); it != specs_.end(); ++it)
    if (it->key.compare(0, section.size() + 1, section + ".") == 0) at = it + 1;
  return *specs_.insert(at, std::move(spec));
}

OptionSpec& OptionRegistry::add_integer(const std::string& key, long long def, std::string units, std::string d) {
  return add({key, OptionKind::integer, std::to_string(def), std::move(units), std::move(d), {}, {}, {}, {}});
}
OptionSpec& OptionRegistry::add_real(const std::string& key, double def, std::string units, std::string d) {
  return add({key, OptionKind::real, format_number(def), std::move(units), std::move(d), {}, {}, {}, {}});
}
OptionSpec& OptionRegistry::add_text(const std::string& key, std::string def, std::string d) {
  return add({key, OptionKind::text, std::move(def), "", std::move(d), {}, {}, {}, {}});
}
OptionSpec& OptionRegistry::add_boolean(const std::string& key, bool def, std::string d) {
  return add({key, OptionKind::boolean, def ? "true" : "false", "", std::move(d), {}, {}, {}, {}});
}
OptionSpec& OptionRegistry::add_choice(const std::string& key, std::string def, std::vector<std::string> choices,
                                       std::string d) {
  return add({key, OptionKind::choice, std::move(def), "", std::move(d), {}, {}, std::move(choices), {}});
}

void OptionRegistry::set_default(const std::string& key, const std::string& value) {
  for (OptionSpec& s : specs_)
    if (s.key == key) {
      s.default_value = validate(s, value, "default of " + key);
      return;
    }
  throw Error(-1, "option registry", "option '" + key + "' was never declared");
}

void OptionRegistry::set_defaults_from(const std::string& ini_text, const std::string& source) {
  const Config defaults = Config::resolve(*this, ini_text, source);
  for (OptionSpec& s : specs_) s.default_value = defaults.values_.at(s.key);
}

const OptionSpec* OptionRegistry::find(const std::string& key) const {
  for (const OptionSpec& s : specs_)
    if (s.key == key) return &s;
  return nullptr;
}

std::string OptionRegistry::nearest(const std::string& key) const {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const OptionSpec& s : specs_) {
    const std::size_t d = edit_distance(key, s.key);
    if (d < best_distance) best_distance = d, best = s.key;
  }
  return best_distance <= std::max<std::size_t>(3, key.size() / 3) ? best : std::string{};
}

Config Config::resolve(const OptionRegistry& registry, const std::string& ini_text, const std::string& source,
                       const std::vector<std::string>& overrides) {
  Config c;
  c.registry_ = registry;
  for (const OptionSpec& s : registry.specs()) c.values_[s.key] = s.default_value;
  if (ini_text.find('\0') != std::string::npos) fail(source, "is not a text file (it contains NUL bytes)");

  std::map<std::string, std::string> set_at;  // key -> where it was set, for conditional options
  for (const Setting& s : parse_ini(ini_text, source)) {
    const std::string where = source + " line " + std::to_string(s.line);
    if (!registry.find(s.key)) unknown_key(registry, s.key, where);
    c.values_[s.key] = validate(*registry.find(s.key), s.value, where);
    set_at[s.key] = where;
  }

  for (const std::string& arg : overrides) {
    if (arg.rfind("--", 0) != 0 || arg.find('=') == std::string::npos)
      fail("command line", "'" + printable(arg) + "' is not an override; expected --section.key=value");
    const std::string key = arg.substr(2, arg.find('=') - 2);
    const OptionSpec* spec = registry.find(key);
    if (!spec) unknown_key(registry, key, "command line");
    c.values_[key] = validate(*spec, arg.substr(arg.find('=') + 1), "command line");
    set_at[key] = "command line";
  }
  c.check_conditions(set_at);
  return c;
}

// An option that only matters with another one (grid.mask_file only with grid.mask = file) may not be
// set to anything but its default otherwise: it would be silently ignored, and the user would
// believe the run used it.
void Config::check_conditions(const std::map<std::string, std::string>& set_at) const {
  for (const OptionSpec& s : registry_.specs()) {
    if (values_.at(s.key) == s.default_value) continue;
    for (const auto& [other, wanted] : s.only_with) {
      const std::string& actual = values_.at(other);
      if (actual == wanted) continue;
      const auto where = set_at.find(s.key);
      fail(where == set_at.end() ? "config" : where->second,
           s.key + " = '" + printable(values_.at(s.key)) + "' applies only with " + other + " = " + wanted + ", but " +
               other + " = " + printable(actual) + "; set " + other + " = " + wanted + " or leave " + s.key +
               " at its default (" + (s.default_value.empty() ? "empty" : s.default_value) + ")");
    }
  }
}

const OptionSpec& Config::spec(const std::string& key) const {
  const OptionSpec* s = registry_.find(key);
  if (!s) throw Error(-1, "config", "option '" + key + "' was never declared");
  return *s;
}

long long Config::integer(const std::string& key) const {
  spec(key);
  return std::stoll(values_.at(key));
}
double Config::real(const std::string& key) const {
  spec(key);
  return std::strtod(values_.at(key).c_str(), nullptr);
}
const std::string& Config::text(const std::string& key) const {
  spec(key);
  return values_.at(key);
}
bool Config::boolean(const std::string& key) const {
  spec(key);
  return values_.at(key) == "true";
}

void Config::set(const std::string& key, const std::string& value) {
  values_[key] = validate(spec(key), value, "config");
}

std::string Config::to_ini() const {
  std::ostringstream out;
  std::string section;
  for (const OptionSpec& s : registry_.specs()) {
    const std::string sec = s.key.substr(0, s.key.find('.'));
    if (sec != section) {
      out << (section.empty() ? "" : "\n") << "[" << sec << "]\n";
      section = sec;
    }
    out << s.key.substr(s.key.find('.') + 1) << " = " << values_.at(s.key) << "  # "
        << (s.units.empty() ? "" : "[" + s.units + "] ") << s.description << "\n";
  }
  return out.str();
}

std::string Config::digest(bool (*affects_answer)(const std::string&)) const {
  std::uint64_t h = fnv1a_start;
  for (const auto& [key, value] : values_) {
    if (affects_answer && !affects_answer(key)) continue;
    h = fnv1a(key + "=" + value + ";", h);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace meridian::core
