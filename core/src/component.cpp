#include "meridian/core/component.hpp"

namespace meridian::core {

void pack_metadata(BytePacker& b, const FieldMetadata& m) {
  for (const std::string* s : {&m.name, &m.units, &m.long_name, &m.standard_name, &m.coverage, &m.fixed_by}) b.put(*s);
  b.put(m.restart), b.put(m.output), b.put(m.valid_min), b.put(m.valid_max);
}

void unpack_metadata(ByteReader& r, FieldMetadata& m) {
  for (std::string* s : {&m.name, &m.units, &m.long_name, &m.standard_name, &m.coverage, &m.fixed_by}) r.get(*s);
  r.get(m.restart), r.get(m.output), r.get(m.valid_min), r.get(m.valid_max);
}

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
