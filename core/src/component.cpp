#include "meridian/core/component.hpp"

namespace meridian::core {

std::set<std::string> history_field_names(const std::vector<FieldEntry>& fields) {
  std::set<std::string> names;
  for (const FieldEntry& f : fields)
    if (f.meta.output) {
      names.insert(f.meta.name);
      if (!f.meta.coverage.empty()) names.insert(f.meta.coverage);
    }
  return names;
}

}  // namespace meridian::core
