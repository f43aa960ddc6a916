#pragma once
// Wall-clock time per phase ("atmosphere", "halo", "coupler", "output"...), accumulated per rank and
// reported with min / mean / max over ranks. Phases may nest (a component's time includes its halo
// exchanges); the report says so rather than subtracting.

#include <mpi.h>

#include <map>
#include <string>
#include <vector>

namespace meridian::core {

class Timers {
 public:
  void add(const std::string& phase, double seconds);
  double total(const std::string& phase) const;
  const std::map<std::string, double>& phases() const noexcept { return seconds_; }
  void clear() { seconds_.clear(); }

  struct Row {
    std::string phase;
    double min, mean, max;  // s, over ranks
    double imbalance;       // max / mean - 1
  };
  // Collective over `comm`: phases are the union over ranks (missing = 0 s), sorted by name.
  std::vector<Row> summarise(MPI_Comm comm) const;

 private:
  std::map<std::string, double> seconds_;
};

// The process's timers: components time their halo exchanges here without being handed anything.
Timers& process_timers();

// Adds the lifetime of this object to a phase of process_timers().
class ScopedTimer {
 public:
  explicit ScopedTimer(std::string phase);
  ~ScopedTimer();
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  std::string phase_;
  double start_;
};

}  // namespace meridian::core
