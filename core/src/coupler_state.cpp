// The coupler's fields: mediators' imports and exports, interval sums of time operations, and the
// check that surface fractions partition every cell.
#include <cmath>
#include <cstdio>

#include "coupler_parts.hpp"
#include "meridian/core/error.hpp"

namespace meridian::core {

namespace {

std::size_t index_of(const std::vector<CouplingField>& fields, const std::string& name) {
  for (std::size_t k = 0; k < fields.size(); ++k)
    if (fields[k].name == name) return k;
  return fields.size();
}

}  // namespace

void Coupler::set_up_mediators(const CouplingPlan& plan) {
  for (std::size_t p = 0; p < parties_.size(); ++p) {
    const CouplerParty& party = parties_[p];
    if (!party.declared.mediator || !runs_here(p)) continue;
    MediatorState& m = mediators_[p];
    const Decomposition& d = *party.decomposition;
    for (const CouplingField& f : party.declared.imports) {
      m.imports.emplace_back(f.name, d, 0);
      bool coupled = false;
      for (const Coupling& c : plan.couplings) coupled |= c.to == p && c.import == f.name;
      m.coupled.push_back(coupled);
    }
    for (const CouplingField& f : party.declared.exports) m.exports.emplace_back(f.name, d, 0);
    for (std::size_t k = 0; k < m.imports.size(); ++k) m.view.imports.push_back(m.coupled[k] ? &m.imports[k] : nullptr);
    for (Field& f : m.exports) m.view.exports.push_back(&f);
    for (const std::string& name : party.mediator->partition()) {
      const std::size_t k = index_of(party.declared.imports, name);
      if (k < m.imports.size() && m.coupled[k]) m.parts.push_back(k);
    }
  }
}

// A component's field comes from coupling_field(); a mediator's are the coupler's own (set_up_mediators).
Field* Coupler::party_field(std::size_t party, const std::string& name, bool exported) {
  const CouplerParty& p = parties_[party];
  if (p.declared.mediator) {
    MediatorState& m = mediators_[party];
    return exported ? &m.exports[index_of(p.declared.exports, name)] : &m.imports[index_of(p.declared.imports, name)];
  }
  Field* f = p.component->coupling_field(name);
  if (!f || f->nz() != 1)
    throw Error(rank_, "coupler", p.declared.name + " declares the " + (exported ? "export '" : "import '") + name +
                                      "' but coupling_field() gives " +
                                      (f ? "a field of several levels" : "no field") + " for it");
  return f;
}

std::string Coupler::export_coverage(std::size_t party, const std::string& name) const {
  const std::vector<CouplingField>& exports = parties_[party].declared.exports;
  const std::size_t k = index_of(exports, name);
  return k < exports.size() ? exports[k].coverage : std::string();
}

void Coupler::add_sum(Transfer& t) {
  const std::size_t party = t.c.from;
  t.sum = sums_.size();
  for (std::size_t s = 0; s < sums_.size(); ++s)
    if (sums_[s].party == party && sums_[s].field == t.c.source) t.sum = s;
  if (t.sum == sums_.size()) {  // the first time operation on this export: one sum serves them all
    Sum s;
    s.party = party;
    s.field = t.c.source;
    const std::vector<CouplingField>& exports = parties_[party].declared.exports;
    s.units = exports[index_of(exports, t.c.source)].units;
    if (runs_here(party)) {
      s.source = t.source;
      s.total.emplace(s.field + "_interval_sum", *parties_[party].decomposition, 0);
    }
    sums_.push_back(std::move(s));
  }
  if (runs_here(party)) t.staged.emplace(t.c.source + "_staged", *parties_[party].decomposition, 0);
}

bool Coupler::samples(std::size_t party) const {
  for (const Sum& s : sums_)
    if (s.party == party) return true;
  return false;
}

void Coupler::sample(std::size_t party, double dt) {
  for (Sum& s : sums_) {
    if (s.party != party || !s.total) continue;
    Field& total = *s.total;
    const Field& value = *s.source;
    for (int j = 0; j < total.ny(); ++j)
      for (int i = 0; i < total.nx(); ++i) total(i, j) = (s.fresh ? 0.0 : total(i, j)) + value(i, j) * dt;
    s.fresh = false;
  }
}

void Coupler::stage_sums() {
  for (Transfer& t : transfers_) {
    if (t.c.time == TimeOperation::instant || !t.staged) continue;
    const bool mean = t.c.time == TimeOperation::mean;
    Field& out = *t.staged;
    const Field& total = *sums_[t.sum].total;
    const Field& now = *t.source;
    for (int j = 0; j < out.ny(); ++j)
      for (int i = 0; i < out.nx(); ++i)
        out(i, j) = first_ ? (mean ? now(i, j) : now(i, j) * interval_) : (mean ? total(i, j) / interval_ : total(i, j));
  }
}

const Field* Coupler::sent(const Transfer& t) const { return t.c.time == TimeOperation::instant ? t.source : &*t.staged; }

std::vector<FieldEntry> Coupler::state(std::size_t party) {
  std::vector<FieldEntry> out;
  for (Sum& s : sums_)
    if (s.party == party)
      out.push_back({{.name = s.field + "_interval_sum", .units = s.units + " s",
                      .long_name = "coupler state: " + s.field + " times step, summed over the last coupling interval",
                      .restart = true},
                     s.total ? &*s.total : nullptr});
  return out;
}

void Coupler::compute(std::size_t party, double time) {
  MediatorState& m = mediators_[party];
  m.view.time = time;
  parties_[party].mediator->compute(m.view);
}

// Where any of the mediator's partition imports is coupled, they must sum to 1 in every cell.
void Coupler::check_partition(std::size_t party) {
  const CouplerParty& p = parties_[party];
  const MediatorState& m = mediators_[party];
  const std::vector<std::size_t>& parts = m.parts;
  if (parts.empty() || !failure_.empty()) return;
  const Decomposition& d = *p.decomposition;
  for (int j = 0; j < d.ny_local(); ++j)
    for (int i = 0; i < d.nx_local(); ++i) {
      double sum = 0;
      for (std::size_t k : parts) sum += (*m.view.imports[k])(i, j);
      if (std::fabs(sum - 1.0) <= 1e-12) continue;
      const int gi = d.x_range().begin + i, gj = d.y_range().begin + j;
      std::string terms;
      char buf[96];
      for (std::size_t k : parts) {
        std::snprintf(buf, sizeof buf, "%s%s %.17g", terms.empty() ? "" : " + ", p.declared.imports[k].name.c_str(),
                      (*m.view.imports[k])(i, j));
        terms += buf;
      }
      std::snprintf(buf, sizeof buf, " = %.17g at cell (%d, %d), lon %.3f lat %.3f", sum, gi, gj, p.grid->lon_deg(gi),
                    p.grid->lat_deg(gj));
      failure_ = p.declared.name + ": the surface fractions do not partition the cell: " + terms + buf +
                 " of the " + std::to_string(p.grid->nx()) + "x" + std::to_string(p.grid->ny()) +
                 " grid; they must sum to 1 (within 1e-12) in every cell";
      return;
    }
}

}  // namespace meridian::core
