#pragma once
// Run configuration: options are declared by their owners (components, the driver, the writers)
// with a type, default, units, description and allowed range; a run's values come from an INI file
// whose [section] names are key prefixes, overridden by `--section.key=value` on the command line.
// Unknown keys, wrong types and out-of-range values are ConfigErrors naming the key and what is
// allowed. Parsing is pure text processing and identical on every rank, so every rank fails alike.

#include <map>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace meridian::core {

enum class OptionKind { integer, real, text, boolean, choice };

struct OptionSpec {
  std::string key;            // "section.name"
  OptionKind kind = OptionKind::text;
  std::string default_value;  // as it would be written in the INI file
  std::string units;          // "" where dimensionless
  std::string description;
  std::optional<double> min, max;     // inclusive bounds for integer and real options
  std::vector<std::string> choices;   // allowed values of a choice option
  // (other key, value): this option may differ from its default only where every other key has that
  // value (grid.mask_file only with grid.mask = file); anything else is a ConfigError.
  std::vector<std::pair<std::string, std::string>> only_with;

  OptionSpec& range(std::optional<double> lo, std::optional<double> hi) {
    min = lo;
    max = hi;
    return *this;
  }
  OptionSpec& applies_only_with(std::string other_key, std::string value) {
    only_with.emplace_back(std::move(other_key), std::move(value));
    return *this;
  }
  // "an integer >= 1", "one of aquaplanet, continents": what the error messages say is allowed.
  std::string allowed() const;
};

class OptionRegistry {
 public:
  OptionSpec& add_integer(const std::string& key, long long default_value, std::string units, std::string description);
  OptionSpec& add_real(const std::string& key, double default_value, std::string units, std::string description);
  OptionSpec& add_text(const std::string& key, std::string default_value, std::string description);
  OptionSpec& add_boolean(const std::string& key, bool default_value, std::string description);
  OptionSpec& add_choice(const std::string& key, std::string default_value, std::vector<std::string> choices,
                         std::string description);

  // Replaces declared defaults: one key (validated), or every key an INI text sets (the app takes
  // configs/default.ini's values as its defaults, so an empty config file runs what --help lists).
  // Throw ConfigError for a value the option refuses.
  void set_default(const std::string& key, const std::string& value);
  void set_defaults_from(const std::string& ini_text, const std::string& source);

  const std::vector<OptionSpec>& specs() const noexcept { return specs_; }
  const OptionSpec* find(const std::string& key) const;
  // The declared key closest to `key` (edit distance), for "did you mean" hints.
  std::string nearest(const std::string& key) const;

 private:
  OptionSpec& add(OptionSpec spec);
  std::vector<OptionSpec> specs_;
};

class Config {
 public:
  // Resolves every declared option from `ini_text` (read from `source`, named in errors with the
  // line), then the command-line `overrides` ("--section.key=value"). Throws ConfigError on the first
  // problem: syntax, a key set twice in the file, an unknown key, a value outside what the option
  // allows, or an option set where another makes it meaningless (OptionSpec::only_with).
  static Config resolve(const OptionRegistry& registry, const std::string& ini_text, const std::string& source,
                        const std::vector<std::string>& overrides = {});

  long long integer(const std::string& key) const;
  double real(const std::string& key) const;
  const std::string& text(const std::string& key) const;
  bool boolean(const std::string& key) const;
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  // Replaces a value after validation (used by the driver for derived settings such as restart.from).
  void set(const std::string& key, const std::string& value);

  // Every option with its resolved value as an INI file, sections in declaration order, units and
  // descriptions as comments: what a run records and what `--config` accepts back.
  std::string to_ini() const;
  // A short hash of the resolved values of the keys that `affects_answer` accepts, hex.
  std::string digest(bool (*affects_answer)(const std::string& key) = nullptr) const;

 private:
  friend class OptionRegistry;
  const OptionSpec& spec(const std::string& key) const;
  void check_conditions(const std::map<std::string, std::string>& set_at) const;
  OptionRegistry registry_;
  std::map<std::string, std::string> values_;
};

}  // namespace meridian::core
