#pragma once
// An OutputSink that keeps restart fields in memory, per rank: a restart on the same layout, for
// tests of the driver that need no files (test_coupler.cpp, test_energy_budget.cpp).
#include <map>
#include <string>
#include <vector>

#include "meridian/core/output_sink.hpp"

namespace meridian::test {

class MemorySink : public core::OutputSink {
 public:
  void write_history(const core::Clock&, const std::vector<core::ComponentOutput>&) override {}
  std::string write_restart(const core::Clock& clock, const std::vector<core::ComponentOutput>& components,
                            const std::vector<core::StateSetting>&) override {
    for (const core::ComponentOutput& c : components)
      for (const core::FieldEntry& f : c.fields)
        if (f.meta.restart && f.field) saved[c.name + "/" + f.meta.name] = f.field->owned_values();
    step = clock.step();
    return "memory";
  }
  long long read_restart(const std::string&, const std::vector<core::ComponentOutput>& components,
                         const std::vector<core::StateSetting>&) override {
    for (const core::ComponentOutput& c : components)
      for (const core::FieldEntry& f : c.fields)
        if (f.meta.restart && f.field) f.field->set_owned_values(saved.at(c.name + "/" + f.meta.name));
    return step;
  }
  std::map<std::string, std::vector<double>> saved;
  long long step = 0;
};

}  // namespace meridian::test
