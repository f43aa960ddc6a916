// Numerical health checks: see health_check.hpp. One pass over the owned cells of the checked
// fields; one MPI_Allreduce per check while all is well, an Allgather only once something is wrong.
#include "meridian/core/health_check.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <tuple>

#include "meridian/core/driver.hpp"

namespace meridian::core {

void declare_health_options(OptionRegistry& o) {
  o.add_integer("diagnostics.check_every", -1, "steps",
                "NaN/Inf/valid-range check of prognostic fields (-1 = at every history output, or every "
                "restart if output.every = 0; 0 = never)")
      .range(-1, 1e15);
}

long long health_check_interval(const Config& config) {
  const long long every = config.integer("diagnostics.check_every");
  if (every >= 0) return every;
  const long long output = config.integer("output.every");
  return output > 0 ? output : config.integer("restart.every");
}

namespace {

bool checked(const FieldEntry& entry) {
  return entry.field && (entry.meta.restart || std::isfinite(entry.meta.valid_min) || std::isfinite(entry.meta.valid_max));
}

bool bad(double v, const FieldMetadata& meta) { return !std::isfinite(v) || v < meta.valid_min || v > meta.valid_max; }

// Whether any of the n values is bad(): the same test as one pair of comparisons against the valid
// range clamped to the finite numbers (NaN fails both), summed as 0s and 1s so that GCC vectorises it.
// At every history output this scans every checked cell; one branch per cell took as long as
// writing the fields (docs/performance.md, "History output").
bool any_bad(const double* __restrict row, std::size_t n, double lo, double hi) {
  double count = 0;
  for (std::size_t i = 0; i < n; ++i) count += row[i] >= lo && row[i] <= hi ? 0.0 : 1.0;
  return count != 0;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string describe(const BadCell& cell, const ComponentOutput& component, long long step) {
  const FieldMetadata& meta = component.fields[std::size_t(cell.field)].meta;
  std::string why;
  if (std::isnan(cell.value)) why = "is NaN";
  else if (std::isinf(cell.value)) why = "is infinite";
  else why = "is outside its valid range [" + number(meta.valid_min) + ", " + number(meta.valid_max) + "] " + meta.units;
  char where[160];
  std::snprintf(where, sizeof where, "lon %.4g, lat %.4g degrees (i=%d, j=%d%s)", component.grid->lon_deg(cell.i),
                component.grid->lat_deg(cell.j), cell.i, cell.j,
                cell.k > 0 ? (", level " + std::to_string(cell.k)).c_str() : "");
  return "numerical blow-up at step " + std::to_string(step) + ": " + component.name + " field '" + meta.name +
         "' = " + number(cell.value) + " " + meta.units + " " + why + " at " + where;
}

}  // namespace

std::optional<BadCell> find_first_bad_cell(const std::vector<ComponentOutput>& components) {
  for (std::size_t c = 0; c < components.size(); ++c) {
    const ComponentOutput& component = components[c];
    if (!component.decomposition) continue;  // this rank holds no part of it
    const Decomposition& d = *component.decomposition;
    for (std::size_t f = 0; f < component.fields.size(); ++f) {
      const FieldEntry& entry = component.fields[f];
      if (!checked(entry)) continue;
      const Field& field = *entry.field;
      constexpr double largest = std::numeric_limits<double>::max();
      const double lo = std::isnan(entry.meta.valid_min) ? -largest : std::max(entry.meta.valid_min, -largest);
      const double hi = std::isnan(entry.meta.valid_max) ? largest : std::min(entry.meta.valid_max, largest);
      for (int k = 0; k < field.nz(); ++k)
        for (int j = 0; j < field.ny(); ++j) {
          if (!any_bad(field.data() + field.offset(0, j, k), std::size_t(field.nx()), lo, hi)) continue;
          for (int i = 0; i < field.nx(); ++i)
            if (bad(field(i, j, k), entry.meta))
              return BadCell{int(c), int(f), k, d.y_range().begin + j, d.x_range().begin + i, field(i, j, k)};
        }
    }
  }
  return std::nullopt;
}

void check_fields_if_due(Driver& driver, const Config& config, long long coupling_steps, OutputSink& sink,
                         MPI_Comm comm) {
  const long long every = health_check_interval(config);
  const long long step = driver.clock().step();
  if (every <= 0 || step / every == (step - coupling_steps) / every) return;
  const std::vector<ComponentOutput> components = driver.outputs();
  const std::optional<BadCell> local = find_first_bad_cell(components);
  int any = local ? 1 : 0;
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPI_INT, MPI_MAX, comm), comm);
  if (!any) return;

  // Something is wrong somewhere: every rank learns every rank's first bad cell and picks the same one.
  int size = 0, rank = 0;
  MERIDIAN_MPI(MPI_Comm_size(comm, &size), comm);
  MERIDIAN_MPI(MPI_Comm_rank(comm, &rank), comm);
  constexpr int none = -1;
  std::array<double, 6> mine{none, 0, 0, 0, 0, 0};
  if (local) mine = {double(local->component), double(local->field), double(local->k), double(local->j),
                     double(local->i), local->value};
  std::vector<double> all(std::size_t(size) * mine.size());
  MERIDIAN_MPI(MPI_Allgather(mine.data(), int(mine.size()), MPI_DOUBLE, all.data(), int(mine.size()), MPI_DOUBLE, comm),
               comm);
  std::optional<BadCell> first;
  for (int r = 0; r < size; ++r) {
    const double* v = &all[std::size_t(r) * mine.size()];
    if (v[0] == none) continue;
    const BadCell cell{int(v[0]), int(v[1]), int(v[2]), int(v[3]), int(v[4]), v[5]};
    const auto key = [](const BadCell& b) { return std::tie(b.component, b.field, b.k, b.j, b.i); };
    if (!first || key(cell) < key(*first)) first = cell;
  }
  std::string message = describe(*first, components[std::size_t(first->component)], step);
  const std::vector<std::string> dump = sink.write_crash_dump(driver.clock(), components, message);
  if (!dump.empty()) {
    message += "; crash dump written to";
    for (std::size_t n = 0; n < dump.size(); ++n) message += (n ? ", " : " ") + dump[n];
  }
  throw NumericalError(rank, message);
}

}  // namespace meridian::core
