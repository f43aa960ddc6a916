#include "meridian/core/config.hpp"

#include <boost/program_options.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>

#include "meridian/core/error.hpp"

namespace po = boost::program_options;

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

// Checks `value` against `spec`; returns it normalised or throws naming `where`.
std::string validate(const OptionSpec& spec, const std::string& raw, const std::string& where) {
  const std::string value = trim(raw);
  const auto bad = [&] {
    fail(where, spec.key + " = '" + value + "' is not allowed; expected " + spec.allowed());
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
      if (value.find('\n') != std::string::npos) bad();
      // '#' starts a comment anywhere in an INI line, so the saved config.ini could not give it back.
      if (value.find('#') != std::string::npos)
        fail(where, spec.key + " = '" + value + "' is not allowed: '#' starts a comment in a config file");
      return value;
  }
  return value;
}

po::options_description describe(const OptionRegistry& registry) {
  po::options_description desc;
  for (const OptionSpec& s : registry.specs()) desc.add_options()(s.key.c_str(), po::value<std::string>());
  return desc;
}

void unknown_key(const OptionRegistry& registry, const std::string& key, const std::string& where) {
  const std::string near = registry.nearest(key);
  fail(where, "unknown option '" + key + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
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
  specs_.push_back(std::move(spec));
  return specs_.back();
}

OptionSpec& OptionRegistry::add_integer(const std::string& key, long long def, std::string units, std::string d) {
  return add({key, OptionKind::integer, std::to_string(def), std::move(units), std::move(d), {}, {}, {}});
}
OptionSpec& OptionRegistry::add_real(const std::string& key, double def, std::string units, std::string d) {
  return add({key, OptionKind::real, format_number(def), std::move(units), std::move(d), {}, {}, {}});
}
OptionSpec& OptionRegistry::add_text(const std::string& key, std::string def, std::string d) {
  return add({key, OptionKind::text, std::move(def), "", std::move(d), {}, {}, {}});
}
OptionSpec& OptionRegistry::add_boolean(const std::string& key, bool def, std::string d) {
  return add({key, OptionKind::boolean, def ? "true" : "false", "", std::move(d), {}, {}, {}});
}
OptionSpec& OptionRegistry::add_choice(const std::string& key, std::string def, std::vector<std::string> choices,
                                       std::string d) {
  return add({key, OptionKind::choice, std::move(def), "", std::move(d), {}, {}, std::move(choices)});
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

  const po::options_description desc = describe(registry);
  po::parsed_options from_file(&desc);
  try {
    std::istringstream in(ini_text);
    from_file = po::parse_config_file(in, desc, /*allow_unregistered=*/true);
  } catch (const po::error& e) {
    fail(source, std::string("syntax error: ") + e.what() + " (expected 'key = value' lines under [section] headers)");
  }
  for (const po::option& o : from_file.options) {
    if (o.unregistered) unknown_key(registry, o.string_key, source);
    if (o.value.size() != 1) fail(source, o.string_key + " has no value");
    c.values_[o.string_key] = validate(*registry.find(o.string_key), o.value[0], source);
  }

  for (const std::string& arg : overrides) {
    if (arg.rfind("--", 0) != 0 || arg.find('=') == std::string::npos)
      fail("command line", "'" + arg + "' is not an override; expected --section.key=value");
    const std::string key = arg.substr(2, arg.find('=') - 2);
    const OptionSpec* spec = registry.find(key);
    if (!spec) unknown_key(registry, key, "command line");
    c.values_[key] = validate(*spec, arg.substr(arg.find('=') + 1), "command line");
  }
  return c;
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
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across platforms and runs
  for (const auto& [key, value] : values_) {
    if (affects_answer && !affects_answer(key)) continue;
    for (char ch : key + "=" + value + ";") h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace meridian::core
