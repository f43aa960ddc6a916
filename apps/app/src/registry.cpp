#include "meridian/app/registry.hpp"

#include <algorithm>
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
  // Each component's options, then its layout options right after them so --help lists them together.
  for (const auto& c : make_components()) {
    c->declare_options(options);
    core::declare_ranks_option(options, c->name());
    core::declare_refine_option(options, c->name());
  }
  return options;
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
