#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace meridian::bench {

std::string format_number(double v, int significant) {
  if (!std::isfinite(v)) return "null";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", significant, v);
  return buffer;
}

void Result::add(const std::string& key, double v, int significant) {
  extra.emplace_back(key, format_number(v, significant));
}

void Result::add(const std::string& key, const std::string& text) {
  extra.emplace_back(key, "\"" + text + "\"");  // our strings never hold quotes or backslashes
}

namespace {
void print_json_line(const Result& r) {
  std::printf("{\"name\": \"%s\", \"ranks\": %d, \"metric\": \"%s\", \"unit\": \"%s\", \"value\": %s, "
              "\"baseline_name\": \"%s\", \"baseline\": %s, \"ratio\": %s",
              r.name.c_str(), r.ranks, r.metric.c_str(), r.unit.c_str(), format_number(r.value).c_str(),
              r.baseline_name.c_str(), format_number(r.baseline).c_str(), format_number(r.ratio, 4).c_str());
  for (const auto& [key, literal] : r.extra) std::printf(", \"%s\": %s", key.c_str(), literal.c_str());
  std::printf("}\n");
}

void print_table(const std::vector<Result>& results) {
  std::size_t name_width = 4, metric_width = 22, baseline_width = 20;
  for (const Result& r : results) {
    name_width = std::max(name_width, r.name.size());
    metric_width = std::max(metric_width, r.metric.size() + r.unit.size() + 3);
    baseline_width = std::max(baseline_width, r.baseline_name.size());
  }
  const int w = static_cast<int>(name_width), mw = static_cast<int>(metric_width),
            bw = static_cast<int>(baseline_width);
  std::printf("%-*s %5s  %-*s %12s  %-*s %12s  %7s\n", w, "name", "ranks", mw, "metric", "value", bw, "baseline",
              "value", "ratio");
  for (const Result& r : results) {
    const std::string metric = r.metric + " [" + r.unit + "]";
    std::printf("%-*s %5d  %-*s %12s  %-*s %12s  %7s\n", w, r.name.c_str(), r.ranks, mw, metric.c_str(),
                format_number(r.value, 5).c_str(), bw, r.baseline_name.c_str(), format_number(r.baseline, 5).c_str(),
                format_number(r.ratio, 3).c_str());
    for (const auto& [key, literal] : r.extra) std::printf("%-*s        %s = %s\n", w, "", key.c_str(), literal.c_str());
  }
}
}  // namespace

void print_results(const std::vector<Result>& results, bool json, int rank) {
  if (rank != 0) return;
  if (json)
    for (const Result& r : results) print_json_line(r);
  else
    print_table(results);
  std::fflush(stdout);
}

}  // namespace meridian::bench
