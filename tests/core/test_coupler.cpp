// The framework's coupling on its own, with components that know no physics (coupling_test_parts.hpp):
// couplings from the config, time operations, conservative regridding both ways, mediators and their
// partition check, in both layouts, against values known in closed form, bit for bit.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "coupling_test_parts.hpp"
#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/run_failure.hpp"
#include "meridian/core/sphere_grid.hpp"
#include "memory_sink.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;
using test::MemorySink;
using test::all_ranks;
using test::world;
using test::world_size;

namespace {

const std::string base_ini =
    "[grid]\nnx = 8\nny = 6\n[run]\ndt = 100\nsteps = 12\n[coupling]\nevery = 4\n[output]\nevery = 0\n"
    "[diagnostics]\nevery = 4\n[probe]\nvalue.from = source.ramp\n";

struct Run {
  std::vector<core::Field> seen;  // what the probe received before each interval, where it runs
  bool here = false;              // the probe runs on this rank
  int x0 = 0, y0 = 0;             // its block's first global cell
};

const std::string scratch = "test-coupler-output";

core::Config config(const std::vector<std::string>& overrides, const std::string& units = "s") {
  core::OptionRegistry r;
  core::declare_driver_options(r);
  const test::Source source;
  const test::Probe probe(units);
  const test::Sum sum;
  const test::NamedSum second("second");
  source.declare_options(r);
  core::declare_component_options(r, source);
  probe.declare_options(r);
  core::declare_component_options(r, probe);
  sum.declare_options(r);
  core::declare_mediator_options(r, sum);
  core::declare_mediator_options(r, second);
  std::vector<std::string> all = overrides;
  all.push_back("--output.dir=" + scratch + "/np" + std::to_string(world_size()));
  return core::Config::resolve(r, base_ini, "test", all);
}

// One run; with `restart_at` > 0 it stops there, and a second driver continues from memory.
// `mediators`: 0; 1 (sum); 2 ("second", which may import from sum, listed before it).
Run run(const std::vector<std::string>& overrides, int mediators = 0, const std::string& units = "s",
        long long restart_at = 0) {
  if (test::world_rank() == 0) std::filesystem::create_directories(scratch + "/np" + std::to_string(world_size()));
  MPI_Barrier(world());
  MemorySink sink;
  Run out;
  const auto once = [&](std::vector<std::string> o) {
    const core::Config c = config(o, units);
    std::vector<std::unique_ptr<core::Component>> components;
    components.push_back(std::make_unique<test::Source>());
    auto probe = std::make_unique<test::Probe>(units);
    test::Probe* p = probe.get();
    components.push_back(std::move(probe));
    std::vector<std::unique_ptr<core::Mediator>> parties;
    if (mediators == 2) parties.push_back(std::make_unique<test::NamedSum>("second"));
    if (mediators >= 1) parties.push_back(std::make_unique<test::Sum>());
    core::Driver driver(world(), c, std::move(components), std::move(parties), nullptr);
    driver.validate();
    driver.restore(sink);
    driver.run(sink);
    for (core::Field& f : p->seen) out.seen.push_back(f);
    out.here = !p->seen.empty();
    out.x0 = p->x0, out.y0 = p->y0;
  };
  if (restart_at > 0) {
    std::vector<std::string> first = overrides;
    first.push_back("--run.steps=" + std::to_string(restart_at));
    once(first);
    std::vector<std::string> second = overrides;
    second.push_back("--restart.from=memory");
    once(second);
  } else {
    once(overrides);
  }
  return out;
}

std::vector<std::vector<std::string>> layouts() {
  std::vector<std::vector<std::string>> out = {{}};
  if (world_size() >= 2)
    out.push_back({"--coupling.layout=concurrent", "--source.ranks=" + std::to_string(world_size() - 1),
                   "--probe.ranks=1"});
  return out;
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// What the probe received before each of the run's three intervals, where it runs: 1 in every cell.
void require_ones(const Run& r) {
  REQUIRE(r.seen.size() == 3);
  for (const core::Field& f : r.seen)
    for (int j = 0; j < f.ny(); ++j)
      for (int i = 0; i < f.nx(); ++i) REQUIRE(f(i, j) == 1.0);
}

// The message of the NumericalError a run stops with ("" if it runs through).
std::string numerical_error(const std::vector<std::string>& overrides, int mediators) {
  try {
    run(overrides, mediators, "1");
  } catch (const core::NumericalError& e) {
    return e.message();
  }
  return "";
}

}  // namespace

TEST_CASE("an instant coupling delivers the export at the coupling time, in every layout", "[coupling]") {
  for (const auto& layout : layouts()) {
    const Run r = run(layout);
    if (!r.here) continue;
    REQUIRE(r.seen.size() == 3);
    for (std::size_t k = 0; k < 3; ++k)
      for (int j = 0; j < r.seen[k].ny(); ++j)
        for (int i = 0; i < r.seen[k].nx(); ++i)
          REQUIRE(r.seen[k](i, j) == test::Source::ramp(400.0 * double(k), r.x0 + i, r.y0 + j, 8));
  }
}

namespace {

// What the coupler must deliver for ramp over the interval ending at `t0` (s), the source stepping
// `dt`: the same sum, in the same order, as the coupler makes it.
double interval_sum(double t0, double dt, double T, int gi, int gj) {
  double total = 0.0;
  for (double t = t0 - T + dt; t <= t0 + 1e-9; t += dt) total = total + test::Source::ramp(t, gi, gj, 8) * dt;
  return total;
}

}  // namespace

TEST_CASE("mean and accumulate deliver the interval before (the instant value first), in every layout",
          "[coupling]") {
  for (const auto& layout : layouts())
    for (const std::string op : {"mean", "accumulate"}) {
      const bool mean = op == "mean";
      const Run r = run(with(layout, {"--probe.value.time=" + op, "--source.dt=200"}), 0, mean ? "s" : "s s");
      if (!r.here) continue;
      REQUIRE(r.seen.size() == 3);
      for (std::size_t k = 0; k < 3; ++k)
        for (int j = 0; j < r.seen[k].ny(); ++j)
          for (int i = 0; i < r.seen[k].nx(); ++i) {
            const int gi = r.x0 + i, gj = r.y0 + j;
            const double t0 = 400.0 * double(k);
            const double sum = interval_sum(t0, 200.0, 400.0, gi, gj);
            const double now = test::Source::ramp(t0, gi, gj, 8);
            const double expected = k == 0 ? (mean ? now : now * 400.0) : (mean ? sum / 400.0 : sum);
            INFO(op << " interval " << k << " cell " << gi << "," << gj);
            REQUIRE(r.seen[k](i, j) == expected);
          }
    }
}

TEST_CASE("a restart between intervals delivers the same means: the interval sums are restart state",
          "[coupling][restart]") {
  for (const auto& layout : layouts()) {
    const std::vector<std::string> o = with(layout, {"--probe.value.time=mean", "--source.dt=100"});
    const Run straight = run(o);
    const Run split = run(o, 0, "s", 8);  // 8 steps, then 4 more from the restart
    if (!straight.here) continue;
    REQUIRE(split.seen.size() == 3);
    for (std::size_t k = 0; k < 3; ++k)
      for (int j = 0; j < straight.seen[k].ny(); ++j)
        for (int i = 0; i < straight.seen[k].nx(); ++i) REQUIRE(split.seen[k](i, j) == straight.seen[k](i, j));
  }
}

TEST_CASE("conservative regridding: a fine source's area- and coverage-weighted mean; a coarse one's value",
          "[coupling][regrid]") {
  const core::SphereGrid fine(16, 12);
  for (const auto& layout : layouts()) {
    const Run r = run(with(layout, {"--source.refine=2"}));
    if (r.here) {
      REQUIRE(r.seen.size() == 3);
      for (std::size_t k = 0; k < 3; ++k)
        for (int j = 0; j < r.seen[k].ny(); ++j)
          for (int i = 0; i < r.seen[k].nx(); ++i) {
            double sum = 0, weight = 0, plain = 0, area_sum = 0;
            for (int b = 0; b < 2; ++b)
              for (int a = 0; a < 2; ++a) {
                const int fi = (r.x0 + i) * 2 + a, fj = (r.y0 + j) * 2 + b;
                const double v = test::Source::ramp(400.0 * double(k), fi, fj, 16), w = double((fi + fj) % 4) / 4.0;
                const double area = fine.area(fj);
                sum += area * w * v, weight += area * w, plain += area * v, area_sum += area;
              }
            REQUIRE(r.seen[k](i, j) == (weight > 0 ? sum / weight : plain / area_sum));
          }
    }
    const Run up = run(with(layout, {"--probe.refine=3"}));
    if (!up.here) continue;
    REQUIRE(up.seen.size() == 3);
    for (std::size_t k = 0; k < 3; ++k)
      for (int j = 0; j < up.seen[k].ny(); ++j)
        for (int i = 0; i < up.seen[k].nx(); ++i)
          REQUIRE(up.seen[k](i, j) == test::Source::ramp(400.0 * double(k), (up.x0 + i) / 3, (up.y0 + j) / 3, 8));
  }
}

TEST_CASE("a mediator computes from its imports; fractions that do not partition a cell stop every rank",
          "[coupling][mediator]") {
  const std::vector<std::string> coupled = {"--sum.a.from=source.half", "--sum.b.from=source.part",
                                            "--probe.value.from=sum.total"};
  for (const auto& layout : layouts()) {
    const Run r = run(with(layout, coupled), 1, "1");
    if (r.here) require_ones(r);
    const std::string message = numerical_error(with(with(layout, coupled), {"--source.part=0.4"}), 1);
    INFO(message);
    CHECK(all_ranks(message.find("sum: the surface fractions do not partition the cell: a 0.5 + b 0.4") == 0));
    CHECK(all_ranks(message.find("at cell (0, 0), lon 22.500 lat -75.000 of the 8x6 grid") != std::string::npos));
  }
}

TEST_CASE("a mediator may import from another: they compute in dependency order, on any host",
          "[coupling][mediator]") {
  // source -> sum (on the source's ranks) -> second (on the probe's ranks) -> probe. "second" is
  // listed first, so only the dependency order computes sum before it.
  const std::vector<std::string> chained = {"--sum.a.from=source.half", "--sum.b.from=source.part",
                                            "--second.a.from=sum.total", "--second.host=probe",
                                            "--probe.value.from=second.total"};
  for (const auto& layout : layouts()) {
    const Run r = run(with(layout, chained), 2, "1");
    if (r.here) require_ones(r);
  }
  // second's own partition check guards the chain above: had it computed before sum, or not received
  // sum's total, it would have seen 0, not 1, and stopped the run. A wrong fraction upstream stops the
  // run at the first mediator, on every rank.
  const std::string message = numerical_error(with(chained, {"--source.part=0.25"}), 2);
  CHECK(all_ranks(message.find("sum: the surface fractions do not partition the cell") == 0));
}

namespace {

std::string plan_error(const std::vector<std::string>& overrides, const std::vector<core::CouplingParty>& parties) {
  try {
    core::resolve_couplings(config(overrides), parties);
  } catch (const core::ConfigError& e) {
    return (e.context().empty() ? "" : e.context() + ": ") + e.message();
  }
  return "";
}

std::vector<core::CouplingParty> parties(int source_refine = 1, int probe_refine = 1) {
  const test::Source s;
  const test::Probe p;
  const test::Sum m;
  return {{s.name(), false, s.imports(), s.exports(), source_refine, 0},
          {p.name(), false, p.imports(), p.exports(), probe_refine, 1},
          {m.name(), true, m.imports(), m.exports(), 1, 0}};
}

}  // namespace

TEST_CASE("every coupling mistake is one config error naming the keys", "[coupling][config]") {
  CHECK(plan_error({"--probe.value.from="}, parties()).rfind(
            "probe.value.from: is not set: probe imports 'value' (s) and every import needs a source", 0) == 0);
  CHECK(plan_error({"--probe.value.from=ocean.sst"}, parties()).find("is not <component or mediator>.<export> of this "
                                                                      "run; exports of this run in 's': source.ramp (and 4 in other "
                                                                      "units)") != std::string::npos);
  CHECK(plan_error({"--probe.value.from=source.rampe"}, parties()).find("source has no export 'rampe'") !=
        std::string::npos);
  CHECK(plan_error({"--probe.value.from=source.cover"}, parties()) ==
        "probe.value.from = 'source.cover': units differ: source.cover is in '1' but probe.value wants 's'");
  CHECK(plan_error({"--probe.value.time=accumulate"}, parties()).find("(accumulated: 's s')") != std::string::npos);
  CHECK(plan_error({"--probe.value.regrid=identity"}, parties(2, 1)) ==
        "probe.value.regrid = identity: source's grid is refined 2x and probe's 1x: identity needs the same grid; "
        "use conservative");
  CHECK(plan_error({}, parties(2, 3)).find("do not nest") != std::string::npos);
  CHECK(plan_error({"--probe.value.from=sum.total", "--probe.value.time=mean", "--sum.a.from=source.half"},
                   parties()) ==
        "probe.value.time = mean: sum is a mediator, computed once per coupling: only instant applies");
  CHECK(plan_error({"--sum.a.from=sum.total"}, parties()).find("cannot import its own export") != std::string::npos);
  // An optional import may stay uncoupled; a coupled plan lists every coupling.
  const core::CouplingPlan plan = core::resolve_couplings(config({"--sum.a.from=source.half"}), parties());
  REQUIRE(plan.couplings.size() == 2);
  CHECK(plan.couplings[0].key == "probe.value");
  CHECK(plan.couplings[1].key == "sum.a");
  CHECK(plan.mediators == std::vector<std::size_t>{2});
}

TEST_CASE("mediators compute after the mediators they import from; a circle is refused", "[coupling][config]") {
  // Two Sum mediators under other names, listed "second" before "first".
  class Named : public test::Sum {
   public:
    explicit Named(std::string n) : n_(std::move(n)) {}
    std::string name() const override { return n_; }

   private:
    std::string n_;
  };
  const test::Source source;
  const test::Probe probe("1");
  const Named second("second"), first("first");
  core::OptionRegistry r;
  core::declare_driver_options(r);
  source.declare_options(r);
  core::declare_component_options(r, source);
  core::declare_component_options(r, probe);
  core::declare_mediator_options(r, second);
  core::declare_mediator_options(r, first);
  const std::vector<core::CouplingParty> ps = {{"source", false, {}, source.exports(), 1, 0},
                                               {"probe", false, probe.imports(), {}, 1, 0},
                                               {"second", true, second.imports(), second.exports(), 1, 0},
                                               {"first", true, first.imports(), first.exports(), 1, 0}};
  const auto resolve = [&](const std::string& first_a) {
    return core::resolve_couplings(core::Config::resolve(r, "", "test",
                                                         {"--probe.value.from=second.total",
                                                          "--second.a.from=first.total", "--first.a.from=" + first_a}),
                                   ps);
  };
  CHECK(resolve("source.half").mediators == std::vector<std::size_t>{3, 2});  // first, then second
  std::string error;
  try {
    resolve("second.total");
  } catch (const core::ConfigError& e) {
    error = e.message();
  }
  CHECK(error.find("the mediators feed each other in a circle (second.a.from = first.total, first.a.from = "
                   "second.total)") == 0);
}
