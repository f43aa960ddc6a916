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
#include "meridian/core/mediator.hpp"

namespace meridian::app {

// Makes a fresh, not yet set up component. Called several times per run (options, calibration, the
// run itself), so it must not hand out shared state.
using ComponentFactory = std::function<std::unique_ptr<core::Component>()>;
using MediatorFactory = std::function<std::unique_ptr<core::Mediator>()>;
// Declares options shared by a model's components (its geography, its sunlight): once per program.
using OptionsDeclaration = std::function<void(core::OptionRegistry&)>;

class Registry {
 public:
  // `program`: the name --help, --version and every message use ("meridian: error: ...").
  explicit Registry(std::string program);

  // Registers a component under `name`, which must be the component's name() (its INI section).
  // Registration order is the default component order of a run (coupling.components may choose
  // others). Throws core::Error for an empty or repeated name.
  void add_component(const std::string& name, ComponentFactory factory);
  // Registers a mediator (core/mediator.hpp) likewise; coupling.mediators chooses among them.
  void add_mediator(const std::string& name, MediatorFactory factory);
  // Options that belong to the model rather than to one component (grid.mask, sunlight.*).
  void add_options(OptionsDeclaration declare);

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

  // Every option of a run: the driver's, the model's, then for each component its own,
  // <name>.ranks, <name>.refine and its couplings, then each mediator's. Collective-free.
  core::OptionRegistry declare_options() const;
  // One fresh component per registration, in order. Throws core::Error if a factory returns null or
  // a component whose name() differs from its registered name.
  std::vector<std::unique_ptr<core::Component>> make_components() const;
  // The components of a run: those coupling.components lists, in its order (empty: all). Throws
  // core::ConfigError naming the key for a name the program does not have.
  std::vector<std::unique_ptr<core::Component>> make_components(const core::Config& config) const;
  // The mediators of a run, from coupling.mediators likewise.
  std::vector<std::unique_ptr<core::Mediator>> make_mediators(const core::Config& config) const;

 private:
  std::string program_;
  std::vector<std::string> names_;
  std::vector<ComponentFactory> factories_;
  std::vector<std::string> mediator_names_;
  std::vector<MediatorFactory> mediator_factories_;
  std::vector<OptionsDeclaration> options_;
  std::string defaults_, defaults_source_, version_, description_;
};

}  // namespace meridian::app
