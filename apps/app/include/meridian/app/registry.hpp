#pragma once
// What a program built on meridian is made of: its name, its components in order, and its default
// configuration. meridian::app::run (run.hpp) turns a Registry into a complete command-line program;
// apps/meridian/stock_model.cpp is the stock atmosphere-ocean-land model's Registry.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"
#include "meridian/core/config.hpp"

namespace meridian::app {

// Makes a fresh, not yet set up component. Called several times per run (options, calibration, the
// run itself), so it must not hand out shared state.
using ComponentFactory = std::function<std::unique_ptr<core::Component>()>;

class Registry {
 public:
  // `program`: the name --help, --version and every message use ("meridian: error: ...").
  explicit Registry(std::string program);

  // Registers a component under `name`, which must be the component's name() (its INI section).
  // Registration order is the component order of a run (today the first must be the atmosphere, see
  // core/include/meridian/core/driver.hpp). Throws core::Error for an empty or repeated name.
  void add_component(const std::string& name, ComponentFactory factory);

  // Mediators (core::Mediator, the generic coupler's exchanges between components) are registered
  // here as add_mediator(name, factory) once core provides them; declare_options() then declares
  // their options too.

  // The built-in configuration: what runs without --config, and the defaults --help lists. `source`
  // names it in messages and --help ("configs/default.ini"). Without it the declared defaults run.
  void set_defaults(std::string ini_text, std::string source);
  // The program's own version for --version and the start-up line; without it, meridian's release.
  void set_version(std::string text);
  // The first sentence of --help ("Runs the coupled atmosphere-ocean-land model.").
  void set_description(std::string text);

  const std::string& program() const noexcept { return program_; }
  const std::string& defaults() const noexcept { return defaults_; }
  const std::string& defaults_source() const noexcept { return defaults_source_; }
  bool has_defaults() const noexcept { return !defaults_source_.empty(); }
  // set_version's text, or MERIDIAN_VERSION.
  std::string version() const;
  bool has_own_version() const noexcept { return !version_.empty(); }
  std::string description() const;
  const std::vector<std::string>& component_names() const noexcept { return names_; }

  // Every option of a run: the driver's, then for each component its own, <name>.ranks and
  // <name>.refine. Collective-free.
  core::OptionRegistry declare_options() const;
  // One fresh component per registration, in order. Throws core::Error if a factory returns null or
  // a component whose name() differs from its registered name.
  std::vector<std::unique_ptr<core::Component>> make_components() const;

 private:
  std::string program_;
  std::vector<std::string> names_;
  std::vector<ComponentFactory> factories_;
  std::string defaults_, defaults_source_, version_, description_;
};

}  // namespace meridian::app
