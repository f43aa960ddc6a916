#include "meridian/core/clock.hpp"

#include <cmath>
#include <cstdio>

namespace meridian::core {

std::string Clock::date() const {
  static constexpr int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const auto seconds = static_cast<long long>(std::floor(time()));
  long long days = seconds / 86400;
  const long long rest = seconds % 86400;
  const long long year = days / 365 + 1;
  days %= 365;
  int month = 0;
  while (days >= month_days[month]) days -= month_days[month++];
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02lld %02lld:%02lld:%02lld", year, month + 1, days + 1, rest / 3600,
                (rest / 60) % 60, rest % 60);
  return buf;
}

}  // namespace meridian::core
