// Planning the coupler's routes and running an exchange; interval sums and the fraction check are
// in coupler_state.cpp.
#include "coupler_parts.hpp"

#include <algorithm>

#include "meridian/core/error.hpp"
#include "meridian/core/timers.hpp"

namespace meridian::core {

Coupler::Coupler(MPI_Comm run, std::vector<CouplerParty> parties, const CouplingPlan& plan, double interval)
    : interval_(interval), parties_(std::move(parties)), mediators_(parties_.size()), order_(plan.mediators) {
  MERIDIAN_MPI(MPI_Comm_rank(run, &rank_), run);
  set_up_mediators(plan);
  for (const Coupling& c : plan.couplings) {
    Transfer t;
    t.c = c;
    const CouplerParty& from = parties_[c.from];
    if (runs_here(c.to)) t.dest = import_field(c.to, c.import);
    if (runs_here(c.from)) t.source = export_field(c.from, c.source);
    // Fine to coarse: weighted by the export's coverage fraction, where it declares one.
    const std::string coverage = from.declared.mediator ? std::string() : export_coverage(c.from, c.source);
    t.weighted = c.from_refine > c.to_refine && !coverage.empty();
    if (t.weighted && runs_here(c.from)) t.weight = export_field(c.from, coverage);
    if (c.time != TimeOperation::instant) add_sum(t);
    transfers_.push_back(std::move(t));
  }
  // One link per (source, destination, direction): couplings between the same parties share messages.
  for (std::size_t n = 0; n < transfers_.size(); ++n) {
    const Coupling& c = transfers_[n].c;
    const bool to_finer = c.to_refine > c.from_refine;
    auto same = std::find_if(links_.begin(), links_.end(), [&](const Link& l) {
      return !to_finer && !l.to_finer && l.from == c.from && l.to == c.to;
    });
    if (same == links_.end()) {
      Link l;
      l.from = c.from;
      l.to = c.to;
      l.to_finer = to_finer;
      l.ratio = to_finer ? c.to_refine / c.from_refine : c.from_refine / c.to_refine;
      links_.push_back(std::move(l));
      same = links_.end() - 1;
    }
    same->transfers.push_back(n);
    same->values += 1 + (transfers_[n].weighted ? 1 : 0);
  }
  for (Link& l : links_) plan_link(run, l);
  // A mediator only reads its imports: where a direct link brings one, it reads the source's own
  // field (the same cells on this rank), and no copy is made.
  for (const Link& l : links_)
    if (l.direct && is_mediator(l.to) && runs_here(l.to))
      for (std::size_t n : l.transfers) {
        Transfer& t = transfers_[n];
        const std::vector<CouplingField>& imports = parties_[l.to].declared.imports;
        const std::size_t k = std::size_t(std::find_if(imports.begin(), imports.end(), [&](const CouplingField& f) {
                                            return f.name == t.c.import;
                                          }) - imports.begin());
        mediators_[l.to].view.imports[k] = sent(t);
        t.aliased = true;
      }
  // A rank's waits are charged to the component it runs (all of them share one in sequential layout).
  std::size_t here = 0, components = 0;
  std::string mine;
  for (std::size_t p = 0; p < parties_.size(); ++p)
    if (!is_mediator(p)) {
      ++components;
      if (runs_here(p)) ++here, mine = parties_[p].declared.name;
    }
  wait_phase_ = here == components ? "coupler wait" : mine + " wait";
}

Coupler::~Coupler() = default;

void Coupler::plan_link(MPI_Comm run, Link& l) {
  const Placement& from_grid = parties_[l.from].placement;  // each on its own grid
  const Placement& to_grid = parties_[l.to].placement;
  // The sequential layout's usual case: both ends own the same cells on every rank. Known alike on
  // every rank from the placements, so no rank waits for a message that never comes.
  if (!l.to_finer && l.ratio == 1 && same_blocks(from_grid, to_grid)) {
    l.direct = true;
    return;
  }
  if (runs_here(l.from) && !l.to_finer)
    for (std::size_t n : l.transfers) {
      l.sources.push_back(sent(transfers_[n]));
      if (transfers_[n].weighted) l.sources.push_back(transfers_[n].weight);
    }
  if (l.to_finer) {
    l.route.emplace(run, to_grid, from_grid, l.ratio, 1);
    return;
  }
  l.route.emplace(run, from_grid, to_grid, l.ratio, l.values);
  if (l.ratio > 1 && runs_here(l.to)) {
    const SphereGrid& fine = *parties_[l.from].grid;
    const IndexRange rows = to_grid.y_range(rank_);
    for (int j = rows.begin * l.ratio; j < rows.end * l.ratio; ++j) l.fine_area.push_back(fine.area(j));
  }
}

void Coupler::send(Link& l) {
  if (l.direct) return;  // receive() copies
  if (l.to_finer) {
    Transfer& t = transfers_[l.transfers.front()];
    if (runs_here(l.from)) {
      // The coarse side sends each fine cell under its block the value of the coarse cell it lies in.
      const Field& in = *sent(t);
      const int r = l.ratio, nx = in.nx(), ny = in.ny();
      std::vector<double>& out = l.route->scatter_buffer();
      std::size_t k = 0;
      for (int fj = 0; fj < ny * r; ++fj) {
        const int j = fj / r;
        for (int i = 0; i < nx; ++i) {
          const double v = in(i, j);
          for (int a = 0; a < r; ++a) out[k++] = v;
        }
      }
    }
    l.route->scatter_start();
    return;
  }
  l.route->gather_start(l.sources);
}

void Coupler::receive(Link& l) {
  if (l.direct) {
    if (runs_here(l.to))
      for (std::size_t n : l.transfers) {
        if (transfers_[n].aliased) continue;
        const Field& in = *sent(transfers_[n]);
        Field& out = *transfers_[n].dest;
        for (int j = 0; j < out.ny(); ++j) std::copy_n(in.data() + in.offset(0, j), out.nx(), out.data() + out.offset(0, j));
      }
    return;
  }
  if (l.to_finer) {
    l.route->scatter_finish(transfers_[l.transfers.front()].dest);
    return;
  }
  const std::vector<double>& g = l.route->gather_finish();
  if (!runs_here(l.to)) return;
  const int r = l.ratio, v = l.values;
  int offset = 0;
  for (std::size_t n : l.transfers) {
    Transfer& t = transfers_[n];
    Field& out = *t.dest;
    const int nx = out.nx(), ny = out.ny();
    if (r == 1) {
      for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) out(i, j) = g[(std::size_t(j) * nx + i) * v + offset];
    } else {
      // First-order conservative: the fine cells' mean weighted by area (and coverage), rows then columns.
      const std::size_t row = std::size_t(nx) * r * v;  // doubles per fine row in the gathered block
      const auto mean = [&](int i, int j, bool weighted) {
        double sum = 0, weight = 0;
        for (int b = 0; b < r; ++b) {
          const double area = l.fine_area[std::size_t(j * r + b)];
          const double* in = g.data() + std::size_t(j * r + b) * row + std::size_t(i) * r * v + offset;
          for (int a = 0; a < r; ++a, in += v) {
            const double w = weighted ? in[1] : 1.0;
            sum += area * w * in[0];
            weight += area * w;
          }
        }
        return std::pair{sum, weight};
      };
      for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
          const auto [sum, weight] = mean(i, j, t.weighted);
          // No coverage at all: the plain area mean (any value will do there; it is finite and fixed).
          out(i, j) = weight > 0 ? sum / weight : [&] { const auto [s2, w2] = mean(i, j, false); return s2 / w2; }();
        }
    }
    offset += 1 + (t.weighted ? 1 : 0);
  }
}

void Coupler::exchange(double time, bool first) {
  ScopedTimer timer("coupler");
  first_ = first;
  failure_.clear();
  stage_sums();
  const auto wave = [&](auto&& selected) {
    for (Link& l : links_)
      if (selected(l)) send(l);
    ScopedTimer wait(wait_phase_);  // the copies and arithmetic after each wait are timed with it
    for (Link& l : links_)
      if (selected(l)) receive(l);
  };
  wave([&](const Link& l) { return is_mediator(l.to) && !is_mediator(l.from); });
  for (std::size_t m : order_) {
    wave([&](const Link& l) { return l.to == m && is_mediator(l.from); });
    if (runs_here(m)) {
      check_partition(m);
      compute(m, time);
    }
  }
  wave([&](const Link& l) { return !is_mediator(l.to); });
  for (Sum& s : sums_) s.fresh = true;
}

}  // namespace meridian::core
