#pragma once
// One benchmark result = one line of JSON (--json) or one row of the table printed by rank 0.

#include <string>
#include <utility>
#include <vector>

namespace meridian::bench {

struct Result {
  std::string name;      // e.g. "halo_4096x4096_w2_f4"
  int ranks = 0;
  std::string metric;    // what `value` and `baseline` measure, e.g. "bandwidth"
  std::string unit;      // e.g. "GB/s"
  double value = 0.0;    // meridian's figure
  std::string baseline_name;  // what the baseline is, e.g. "raw_mpi"
  double baseline = 0.0;      // the baseline's figure, same metric and unit
  double ratio = 0.0;         // >= 1 means meridian is at least as good (direction set per metric)
  // Further key -> JSON literal pairs (numbers already formatted, strings already quoted).
  std::vector<std::pair<std::string, std::string>> extra;

  void add(const std::string& key, double v, int significant = 6);
  void add(const std::string& key, const std::string& text);  // quoted as a JSON string
};

// "%.<significant>g", or null for NaN and infinities (which JSON lacks).
std::string format_number(double v, int significant = 6);

// Rank 0 prints; call on every rank or just rank 0, others print nothing.
void print_results(const std::vector<Result>& results, bool json, int rank);

}  // namespace meridian::bench
