// The coupling rules of core/coupling.hpp: options, and the checks made when a config is loaded.
#include <algorithm>

#include "meridian/core/coupling.hpp"
#include "meridian/core/error.hpp"

namespace meridian::core {

namespace {

Regrid parse_regrid(const std::string& v) { return v == "identity" ? Regrid::identity : Regrid::conservative; }

TimeOperation parse_time(const std::string& v) {
  if (v == "mean") return TimeOperation::mean;
  if (v == "accumulate") return TimeOperation::accumulate;
  return TimeOperation::instant;
}

std::string describe(const CouplingField& f) { return "'" + f.name + "' (" + f.units + ")"; }

// What may be a source of an import in `units`: "exports of this run in 'W m-2': a.x, b.y (and 6 in
// other units)", or every export with its units where none has the import's. Only the candidates
// are named, so the one-line error stays readable however many fields a model couples.
std::string candidate_exports(const std::vector<CouplingParty>& parties, const std::string& units) {
  std::string same, all;
  int others = 0;
  for (const CouplingParty& p : parties)
    for (const CouplingField& e : p.exports) {
      all += (all.empty() ? "" : ", ") + p.name + "." + e.name + " (" + e.units + ")";
      if (e.units == units) same += (same.empty() ? "" : ", ") + p.name + "." + e.name;
      else ++others;
    }
  if (all.empty()) return "exports of this run: none: no component or mediator of this run exports anything";
  if (same.empty()) return "exports of this run: " + all;
  return "exports of this run in '" + units + "': " + same +
         (others ? " (and " + std::to_string(others) + " in other units)" : "");
}

const CouplingField* find(const std::vector<CouplingField>& fields, const std::string& name) {
  for (const CouplingField& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

// Orders the mediators so that each computes after every mediator it imports from; throws naming a
// coupling of a circle.
std::vector<std::size_t> order_mediators(const std::vector<CouplingParty>& parties, const std::vector<Coupling>& all) {
  std::vector<std::size_t> pending, order;
  for (std::size_t p = 0; p < parties.size(); ++p)
    if (parties[p].mediator) pending.push_back(p);
  while (!pending.empty()) {
    const auto ready = std::find_if(pending.begin(), pending.end(), [&](std::size_t m) {
      return std::none_of(all.begin(), all.end(), [&](const Coupling& c) {
        return c.to == m && std::find(pending.begin(), pending.end(), c.from) != pending.end();
      });
    });
    if (ready == pending.end()) {
      std::string circle;
      for (const Coupling& c : all)
        if (std::find(pending.begin(), pending.end(), c.to) != pending.end() &&
            std::find(pending.begin(), pending.end(), c.from) != pending.end())
          circle += (circle.empty() ? "" : ", ") + c.key + ".from = " + parties[c.from].name + "." + c.source;
      throw ConfigError(-1, "couplings",
                        "the mediators feed each other in a circle (" + circle +
                            "): no order computes each after its sources; break the circle");
    }
    order.push_back(*ready);
    pending.erase(ready);
  }
  return order;
}

}  // namespace

void declare_coupling_options(OptionRegistry& o, const std::string& owner, const std::vector<CouplingField>& imports) {
  for (const CouplingField& f : imports) {
    const std::string key = owner + "." + f.name;
    o.add_text(key + ".from", "",
               "source of the import " + f.name + " (" + f.units + (f.description.empty() ? "" : ", " + f.description) +
                   "): <component or mediator>.<export>" + (f.optional ? "; empty = not coupled" : ""));
    o.add_choice(key + ".regrid", "conservative", {"identity", "conservative"},
                 "regridding of " + f.name + " from its source's grid (identity: the same grid)");
    o.add_choice(key + ".time", "instant", {"instant", "mean", "accumulate"},
                 "what " + f.name + " receives of its source over a coupling interval");
  }
}

void declare_host_option(OptionRegistry& o, const std::string& mediator) {
  o.add_text(mediator + ".host", "",
             "component whose ranks and grid " + mediator + " computes on (empty = the first component)");
}

CouplingPlan resolve_couplings(const Config& config, const std::vector<CouplingParty>& parties) {
  CouplingPlan plan;
  for (std::size_t to = 0; to < parties.size(); ++to) {
    const CouplingParty& owner = parties[to];
    for (const CouplingField& import : owner.imports) {
      Coupling c;
      c.key = owner.name + "." + import.name;
      c.to = to;
      c.import = import.name;
      c.units = import.units;
      c.to_refine = owner.refine;
      const std::string from = config.text(c.key + ".from");
      const auto fail = [&](const std::string& why) {
        throw ConfigError(-1, c.key + ".from = '" + printable(from) + "'", why);
      };
      if (from.empty()) {
        if (import.optional) continue;
        throw ConfigError(-1, c.key + ".from",
                          "is not set: " + owner.name + " imports " + describe(import) +
                              " and every import needs a source <component or mediator>.<export>; " +
                              candidate_exports(parties, import.units));
      }
      const std::size_t dot = from.find('.');
      const std::string source_name = dot == std::string::npos ? from : from.substr(0, dot);
      c.source = dot == std::string::npos ? std::string() : from.substr(dot + 1);
      const auto source = std::find_if(parties.begin(), parties.end(),
                                       [&](const CouplingParty& p) { return p.name == source_name; });
      if (dot == std::string::npos || source == parties.end())
        fail("is not <component or mediator>.<export> of this run; " + candidate_exports(parties, import.units));
      c.from = std::size_t(source - parties.begin());
      const CouplingField* exported = find(source->exports, c.source);
      if (!exported) fail(source->name + " has no export '" + c.source + "'; " + candidate_exports(parties, import.units));
      if (c.from == to) fail(owner.name + " cannot import its own export");
      c.regrid = parse_regrid(config.text(c.key + ".regrid"));
      c.time = parse_time(config.text(c.key + ".time"));
      c.from_refine = source->mediator ? parties[source->host].refine : source->refine;
      if (owner.mediator) c.to_refine = parties[owner.host].refine;
      if (c.time != TimeOperation::instant && source->mediator)
        throw ConfigError(-1, c.key + ".time = " + config.text(c.key + ".time"),
                          source->name + " is a mediator, computed once per coupling: only instant applies");
      const std::string wanted = c.time == TimeOperation::accumulate ? exported->units + " s" : exported->units;
      if (import.units != wanted)
        fail("units differ: " + source->name + "." + c.source + " is in '" + exported->units + "'" +
             (c.time == TimeOperation::accumulate ? " (accumulated: '" + wanted + "')" : "") + " but " + c.key +
             " wants '" + import.units + "'");
      const int fine = std::max(c.to_refine, c.from_refine), coarse = std::min(c.to_refine, c.from_refine);
      if (c.regrid == Regrid::identity && c.to_refine != c.from_refine)
        throw ConfigError(-1, c.key + ".regrid = identity",
                          source->name + "'s grid is refined " + std::to_string(c.from_refine) + "x and " +
                              owner.name + "'s " + std::to_string(c.to_refine) +
                              "x: identity needs the same grid; use conservative");
      if (fine % coarse != 0)
        throw ConfigError(-1, c.key + ".from = " + from,
                          "grids refined " + std::to_string(c.from_refine) + "x and " + std::to_string(c.to_refine) +
                              "x do not nest (one refinement must divide the other)");
      plan.couplings.push_back(std::move(c));
    }
  }
  plan.mediators = order_mediators(parties, plan.couplings);
  return plan;
}

}  // namespace meridian::core
