#include "meridian/app/registry.hpp"

#include <algorithm>
#include <sstream>
#include <utility>

#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/layout.hpp"
#include "meridian/version.hpp"

namespace meridian::app {

Registry::Registry(std::string program) : program_(std::move(program)) {
  if (program_.empty()) throw core::Error(-1, "app::Registry", "the program name is empty");
}

void Registry::add_component(const std::string& name, ComponentFactory factory) {
  if (name.empty() || name.find_first_of(".[]= \t\n") != std::string::npos)
    throw core::Error(-1, "app::Registry", "component name '" + core::printable(name) + "' is not an INI section name");
  if (std::find(names_.begin(), names_.end(), name) != names_.end())
    throw core::Error(-1, "app::Registry", "component '" + name + "' is registered twice");
  if (!factory) throw core::Error(-1, "app::Registry", "component '" + name + "' has no factory");
  names_.push_back(name);
  factories_.push_back(std::move(factory));
}

void Registry::add_mediator(const std::string& name, MediatorFactory factory) {
  if (name.empty() || name.find_first_of(".[]= \t\n") != std::string::npos)
    throw core::Error(-1, "app::Registry", "mediator name '" + core::printable(name) + "' is not an INI section name");
  if (std::find(names_.begin(), names_.end(), name) != names_.end() ||
      std::find(mediator_names_.begin(), mediator_names_.end(), name) != mediator_names_.end())
    throw core::Error(-1, "app::Registry", "'" + name + "' is registered twice");
  if (!factory) throw core::Error(-1, "app::Registry", "mediator '" + name + "' has no factory");
  mediator_names_.push_back(name);
  mediator_factories_.push_back(std::move(factory));
}

void Registry::add_options(OptionsDeclaration declare) {
  if (declare) options_.push_back(std::move(declare));
}

void Registry::set_defaults(std::string ini_text, std::string source) {
  defaults_ = std::move(ini_text);
  defaults_source_ = source.empty() ? "built-in defaults" : std::move(source);
}

void Registry::set_version(std::string text) { version_ = std::move(text); }

void Registry::set_description(std::string text) { description_ = std::move(text); }

std::string Registry::version() const { return version_.empty() ? std::string(MERIDIAN_VERSION) : version_; }

std::string Registry::description() const {
  if (!description_.empty()) return description_;
  std::string list;
  for (std::size_t n = 0; n < names_.size(); ++n)
    list += (n == 0 ? "" : n + 1 == names_.size() ? " and " : ", ") + names_[n];
  return "Runs a coupled model of " + (list.empty() ? std::string("no components") : list) + ".";
}

core::OptionRegistry Registry::declare_options() const {
  core::OptionRegistry options;
  core::declare_driver_options(options);
  for (const OptionsDeclaration& declare : options_) declare(options);
  // Each component's options, then its layout and coupling options right after them so --help lists
  // them together.
  for (const auto& c : make_components()) {
    c->declare_options(options);
    core::declare_component_options(options, *c);
  }
  for (const MediatorFactory& make : mediator_factories_) {
    const std::unique_ptr<core::Mediator> m = make();
    m->declare_options(options);
    core::declare_mediator_options(options, *m);
  }
  return options;
}

namespace {

// The indices of the names `key` lists (space-separated) among `known`, or all of them if it is empty.
std::vector<std::size_t> listed(const core::Config& config, const std::string& key, const std::vector<std::string>& known) {
  std::vector<std::size_t> out;
  std::istringstream names(config.text(key));
  std::string name;
  while (names >> name) {
    const auto at = std::find(known.begin(), known.end(), name);
    if (at == known.end()) {
      std::string all;
      for (const std::string& k : known) all += (all.empty() ? "" : ", ") + k;
      throw core::ConfigError(-1, key + " = '" + core::printable(config.text(key)) + "'",
                              "'" + core::printable(name) + "' is not one of this program's: " +
                                  (all.empty() ? std::string("it has none") : all));
    }
    if (std::find(out.begin(), out.end(), std::size_t(at - known.begin())) != out.end())
      throw core::ConfigError(-1, key + " = '" + core::printable(config.text(key)) + "'",
                              "'" + name + "' is listed twice");
    out.push_back(std::size_t(at - known.begin()));
  }
  if (config.text(key).find_first_not_of(" \t") == std::string::npos)
    for (std::size_t n = 0; n < known.size(); ++n) out.push_back(n);
  return out;
}

}  // namespace

std::vector<std::unique_ptr<core::Component>> Registry::make_components(const core::Config& config) const {
  std::vector<std::unique_ptr<core::Component>> all = make_components(), out;
  for (std::size_t n : listed(config, "coupling.components", names_)) out.push_back(std::move(all[n]));
  return out;
}

std::vector<std::unique_ptr<core::Mediator>> Registry::make_mediators(const core::Config& config) const {
  std::vector<std::unique_ptr<core::Mediator>> out;
  for (std::size_t n : listed(config, "coupling.mediators", mediator_names_)) {
    std::unique_ptr<core::Mediator> m = mediator_factories_[n]();
    if (!m || m->name() != mediator_names_[n])
      throw core::Error(-1, "app::Registry", "the factory of mediator '" + mediator_names_[n] + "' returned " +
                                                 (m ? "one called '" + core::printable(m->name()) + "'" : "nothing"));
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<std::unique_ptr<core::Component>> Registry::make_components() const {
  std::vector<std::unique_ptr<core::Component>> components;
  for (std::size_t n = 0; n < names_.size(); ++n) {
    std::unique_ptr<core::Component> c = factories_[n]();
    if (!c) throw core::Error(-1, "app::Registry", "the factory of component '" + names_[n] + "' returned nothing");
    if (c->name() != names_[n])
      throw core::Error(-1, "app::Registry",
                        "component registered as '" + names_[n] + "' calls itself '" + core::printable(c->name()) + "'");
    components.push_back(std::move(c));
  }
  return components;
}

}  // namespace meridian::app
