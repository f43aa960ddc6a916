#include "meridian/core/timers.hpp"

#include <algorithm>
#include <set>

#include "meridian/core/error.hpp"

namespace meridian::core {

void Timers::add(const std::string& phase, double seconds) { seconds_[phase] += seconds; }

double Timers::total(const std::string& phase) const {
  const auto it = seconds_.find(phase);
  return it == seconds_.end() ? 0.0 : it->second;
}

std::vector<Timers::Row> Timers::summarise(MPI_Comm comm) const {
  // Agree on the phase names: gather every rank's names as one string (small: a few dozen names).
  std::string names;
  for (const auto& [phase, s] : seconds_) names += phase + '\n';
  int size = 0;
  MERIDIAN_MPI(MPI_Comm_size(comm, &size), comm);
  int length = static_cast<int>(names.size());
  std::vector<int> lengths(size), offsets(size);
  MERIDIAN_MPI(MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, comm), comm);
  int total_length = 0;
  for (int r = 0; r < size; ++r) offsets[r] = total_length, total_length += lengths[r];
  std::string all(total_length, '\0');
  MERIDIAN_MPI(MPI_Allgatherv(names.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, comm),
               comm);
  std::set<std::string> phases;
  for (std::size_t b = 0, e; (e = all.find('\n', b)) != std::string::npos; b = e + 1) phases.insert(all.substr(b, e - b));

  const std::size_t n = phases.size();
  std::vector<double> mine, sum(n), lo(n), hi(n);
  for (const std::string& p : phases) mine.push_back(total(p));
  MERIDIAN_MPI(MPI_Allreduce(mine.data(), sum.data(), int(n), MPI_DOUBLE, MPI_SUM, comm), comm);
  MERIDIAN_MPI(MPI_Allreduce(mine.data(), lo.data(), int(n), MPI_DOUBLE, MPI_MIN, comm), comm);
  MERIDIAN_MPI(MPI_Allreduce(mine.data(), hi.data(), int(n), MPI_DOUBLE, MPI_MAX, comm), comm);
  std::vector<Row> rows;
  std::size_t i = 0;
  for (const std::string& p : phases) {
    const double mean = sum[i] / size;
    rows.push_back({p, lo[i], mean, hi[i], mean > 0 ? hi[i] / mean - 1.0 : 0.0});
    ++i;
  }
  return rows;
}

Timers& process_timers() {
  static Timers timers;
  return timers;
}

ScopedTimer::ScopedTimer(std::string phase) : phase_(std::move(phase)), start_(MPI_Wtime()) {}
ScopedTimer::~ScopedTimer() { process_timers().add(phase_, MPI_Wtime() - start_); }

}  // namespace meridian::core
