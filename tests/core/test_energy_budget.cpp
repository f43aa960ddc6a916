// The driver's energy budget (diagnostics.csv: energy_in, energy_change, budget_residual) with two
// components that know no physics: a "heater" that gains energy through the system's boundary and
// hands part of it through the coupler to a "store". The residual must be round-off in every row, the
// rows the same bits in every layout and process grid, and a resumed run's rows the straight run's.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "meridian/core/component.hpp"
#include "meridian/core/driver.hpp"
#include "meridian/core/time_step.hpp"
#include "memory_sink.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;
using test::MemorySink;
using test::world;
using test::world_size;

namespace {

constexpr double capacity = 1e6;  // J m-2 K-1

// Shared by both components: a temperature per cell, its energy capacity * T * area.
class Slab : public core::Component {
 public:
  void declare_options(core::OptionRegistry&) const override {}
  int halo_width() const override { return 0; }
  double time_step() const override { return dt_; }
  double stable_time_step() const override { return 1e30; }
  std::string time_step_key() const override { return "run.dt"; }
  void restarted(double time) override { steps_ = core::whole_steps(time, dt_, name() + " time", d_->rank()); }
  void add_energy(core::ExactAccumulator& joules) const override {
    for (int j = 0; j < t_->ny(); ++j)
      for (int i = 0; i < t_->nx(); ++i) joules.add(capacity * (*t_)(i, j) * area(j));
  }
  void add_diagnostics(std::vector<core::GlobalMean>&) const override {}

 protected:
  void set_up(const core::ComponentContext& c) {
    d_ = &c.decomposition;
    grid_ = &c.grid;
    dt_ = c.base_dt;
    t_.emplace("t", *d_, 0);
  }
  double area(int j) const { return grid_->area(d_->y_range().begin + j); }
  const core::Decomposition* d_ = nullptr;
  const core::SphereGrid* grid_ = nullptr;
  double dt_ = 0;
  long long steps_ = 0;
  std::optional<core::Field> t_;
};

// Absorbs q(lat, t) and radiates b T to space (counted as input), and loses "out" = k T (set at each
// coupling, held over the interval) to whoever imports it: energy that stays in the system.
class Heater final : public Slab {
 public:
  std::string name() const override { return "heater"; }
  std::vector<core::CouplingField> exports() const override { return {{.name = "out", .units = "W m-2"}}; }
  std::vector<core::CouplingField> imports() const override { return {}; }
  void setup(const core::ComponentContext& c) override {
    set_up(c);
    out_.emplace("out", *d_, 0);
    counted_.emplace("energy_counted", *d_, 0);
    for (int j = 0; j < d_->ny_local(); ++j)
      for (int i = 0; i < d_->nx_local(); ++i) (*t_)(i, j) = 0.1 * (d_->x_range().begin + i);
    set_export();
  }
  std::vector<core::FieldEntry> fields() override {
    return {{{.name = "t", .units = "K", .restart = true}, &*t_},
            {{.name = "out", .units = "W m-2", .restart = true}, &*out_},
            {{.name = "energy_counted", .units = "J m-2", .restart = true}, &*counted_}};
  }
  core::Field* coupling_field(const std::string& n) override { return n == "out" ? &*out_ : nullptr; }
  void advance(double duration) override {
    const long long n = core::whole_steps(duration, dt_, "heater advance", d_->rank());
    for (long long k = 0; k < n; ++k, ++steps_) {
      const double time = double(steps_) * dt_;
      for (int j = 0; j < t_->ny(); ++j) {
        const double q = 300.0 * std::cos(grid_->lat(d_->y_range().begin + j)) * (1.0 + 0.5 * std::sin(time * 1e-4));
        for (int i = 0; i < t_->nx(); ++i) {
          const double boundary = q - 2.0 * (*t_)(i, j);
          (*counted_)(i, j) += dt_ * boundary;
          (*t_)(i, j) += dt_ / capacity * (boundary - (*out_)(i, j));
        }
      }
    }
    set_export();
  }
  void add_energy_input(core::ExactAccumulator& joules) const override {
    for (int j = 0; j < t_->ny(); ++j)
      for (int i = 0; i < t_->nx(); ++i) joules.add((*counted_)(i, j) * area(j));
  }
  void reset_energy_input() override { counted_->fill(0.0); }

 private:
  void set_export() {
    for (int j = 0; j < t_->ny(); ++j)
      for (int i = 0; i < t_->nx(); ++i) (*out_)(i, j) = 5.0 * (*t_)(i, j);
  }
  std::optional<core::Field> out_, counted_;
};

// Gains what the heater loses: nothing crosses the boundary here (the default add_energy_input).
class Store final : public Slab {
 public:
  std::string name() const override { return "store"; }
  std::vector<core::CouplingField> exports() const override { return {}; }
  std::vector<core::CouplingField> imports() const override { return {{.name = "in", .units = "W m-2"}}; }
  void setup(const core::ComponentContext& c) override {
    set_up(c);
    in_.emplace("in", *d_, 0);
  }
  std::vector<core::FieldEntry> fields() override { return {{{.name = "t", .units = "K", .restart = true}, &*t_}}; }
  core::Field* coupling_field(const std::string& n) override { return n == "in" ? &*in_ : nullptr; }
  void advance(double duration) override {
    const long long n = core::whole_steps(duration, dt_, "store advance", d_->rank());
    for (long long k = 0; k < n; ++k, ++steps_)
      for (int j = 0; j < t_->ny(); ++j)
        for (int i = 0; i < t_->nx(); ++i) (*t_)(i, j) += dt_ / capacity * (*in_)(i, j);
  }

 private:
  std::optional<core::Field> in_;
};

const std::string scratch = "test-energy-budget-output";

std::string folder(const std::string& name) { return scratch + "/np" + std::to_string(world_size()) + "/" + name; }

void run(const std::string& dir, std::vector<std::string> overrides, MemorySink& sink) {
  if (test::world_rank() == 0) std::filesystem::create_directories(dir);
  MPI_Barrier(world());
  core::OptionRegistry r;
  core::declare_driver_options(r);
  const Heater heater;
  const Store store;
  heater.declare_options(r);
  core::declare_component_options(r, heater);
  store.declare_options(r);
  core::declare_component_options(r, store);
  overrides.push_back("--output.dir=" + dir);
  const std::string ini =
      "[grid]\nnx = 12\nny = 8\n[run]\ndt = 600\nsteps = 24\n[coupling]\nevery = 2\n[output]\nevery = 0\n"
      "[diagnostics]\nevery = 8\n[store]\nin.from = heater.out\n";
  const core::Config c = core::Config::resolve(r, ini, "test", overrides);
  std::vector<std::unique_ptr<core::Component>> components;
  components.push_back(std::make_unique<Heater>());
  components.push_back(std::make_unique<Store>());
  core::Driver driver(world(), c, std::move(components), {}, nullptr);
  driver.validate();
  driver.restore(sink);
  driver.run(sink);
}

std::string straight_run(const std::string& name, const std::vector<std::string>& overrides) {
  MemorySink sink;
  run(folder(name), overrides, sink);
  return folder(name) + "/diagnostics.csv";
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Row {
  long long step;
  double time, total, in, change, residual;
};

std::vector<Row> rows(const std::string& path) {
  std::vector<Row> out;
  std::istringstream text(read(path));
  std::string line;
  std::getline(text, line);
  REQUIRE(line.rfind("step,time,total_energy,energy_in,energy_change,budget_residual", 0) == 0);
  while (std::getline(text, line)) {
    Row r{};
    char comma;
    std::istringstream cells(line);
    cells >> r.step >> comma >> r.time >> comma >> r.total >> comma >> r.in >> comma >> r.change >> comma >> r.residual;
    out.push_back(r);
  }
  return out;
}

}  // namespace

TEST_CASE("the budget residual is round-off in every row; energy_change and the residual add up", "[budget]") {
  const std::vector<Row> r = rows(straight_run("plain", {}));
  REQUIRE(r.size() == 4);  // steps 0, 8, 16, 24
  CHECK(r[0].in == 0);
  CHECK(r[0].change == 0);
  CHECK(r[0].residual == 0);
  for (std::size_t k = 1; k < r.size(); ++k) {
    CHECK(r[k].change == r[k].total - r[k - 1].total);
    CHECK(r[k].residual == r[k].change - r[k].in);
    // What enters is ~1e20 J a row here; one rounding of the total is ~1e4 J.
    CHECK(std::fabs(r[k].in) > 1e18);
    CHECK(std::fabs(r[k].residual) <= 1e-12 * std::fabs(r[k].in));
  }
}

TEST_CASE("budget rows are the same bits in every layout and process grid", "[budget]") {
  const std::string plain = read(straight_run("plain", {}));
  CHECK(read(straight_run("column", {"--decomp.px=1", "--decomp.py=" + std::to_string(world_size())})) == plain);
  if (world_size() >= 2)
    CHECK(read(straight_run("concurrent", {"--coupling.layout=concurrent", "--heater.ranks=" +
                                                                                std::to_string(world_size() - 1),
                                           "--store.ranks=1"})) == plain);
}

TEST_CASE("a run resumed between rows writes the straight run's rows; in a new folder too, to round-off",
          "[budget][restart]") {
  const std::string plain = read(straight_run("plain", {}));
  {
    MemorySink sink;
    run(folder("resumed"), {"--run.steps=4"}, sink);  // between the rows at 0 and 8
    run(folder("resumed"), {"--restart.from=memory"}, sink);
    CHECK(read(folder("resumed") + "/diagnostics.csv") == plain);
  }
  MemorySink sink;
  run(folder("first"), {"--run.steps=4"}, sink);
  run(folder("elsewhere"), {"--restart.from=memory"}, sink);
  const std::vector<Row> r = rows(folder("elsewhere") + "/diagnostics.csv");
  REQUIRE(r.size() == 3);  // steps 8, 16, 24
  CHECK(r[0].step == 8);
  for (const Row& row : r) CHECK(std::fabs(row.residual) <= 1e-12 * std::fabs(row.in));
  // Without the row at step 0 the first row still counts from it: the input counted before the
  // restart is restart state, and the total at step 0 is the restored one less that input.
  const std::vector<Row> s = rows(folder("plain") + "/diagnostics.csv");
  CHECK(r[0].in == s[1].in);
  CHECK(r[0].total == s[1].total);
  CHECK(r[1].in == s[2].in);
  CHECK(r[1].change == s[2].change);
}

TEST_CASE("diagnostics rows: by default once a simulated day; 0 is every coupling interval",
          "[budget][diagnostics]") {
  // run.dt = 600 s, coupling.every = 2: 72 intervals (144 steps) a day.
  std::vector<long long> steps;
  for (const Row& r : rows(straight_run("daily", {"--diagnostics.every=-1", "--run.steps=300"}))) steps.push_back(r.step);
  CHECK(steps == std::vector<long long>{0, 144, 288});  // on schedule only: a resumed run writes the same rows
  steps.clear();
  for (const Row& r : rows(straight_run("every", {"--diagnostics.every=0", "--run.steps=6"}))) steps.push_back(r.step);
  CHECK(steps == std::vector<long long>{0, 2, 4, 6});
}
