// RestartInfo as bytes: rank 0 reads a restart file's layout and broadcasts it (peek_restart).
#include "meridian/core/byte_packer.hpp"
#include "restart_file.hpp"

namespace meridian::io {

namespace {
// A setting or a field is at least its strings' length prefixes long: the floor for get_count.
constexpr std::size_t length_bytes = sizeof(std::uint64_t);
}  // namespace

std::string pack(const RestartInfo& info) {
  core::BytePacker p;
  p.put(info.path);
  p.put(info.step);
  p.put(info.total_steps);
  p.put(info.dt);
  p.put(info.time);
  p.put(info.version);
  p.put(info.git_revision);
  p.put(info.config_digest);
  p.put(std::uint64_t(info.settings.size()));
  for (const auto& s : info.settings) p.put(s.key), p.put(s.value), p.put(s.shown);
  p.put(std::uint64_t(info.components.size()));
  for (const auto& c : info.components) {
    p.put(c.name);
    p.put(c.nx);
    p.put(c.ny);
    p.put(std::uint64_t(c.fields.size()));
    for (const auto& f : c.fields) {
      p.put(f.name);
      p.put(f.nz);
      p.put(f.ny);
      p.put(f.nx);
      p.put(f.checksum);
    }
  }
  return std::move(p.bytes());
}

RestartInfo unpack(const std::string& bytes) {
  core::ByteReader r(bytes, "unpacking restart info");
  RestartInfo info;
  r.get(info.path);
  r.get(info.step);
  r.get(info.total_steps);
  r.get(info.dt);
  r.get(info.time);
  r.get(info.version);
  r.get(info.git_revision);
  r.get(info.config_digest);
  info.settings.resize(r.get_count(3 * length_bytes));
  for (auto& s : info.settings) r.get(s.key), r.get(s.value), r.get(s.shown);
  info.components.resize(r.get_count(length_bytes + 2 * sizeof(int) + length_bytes));
  for (auto& c : info.components) {
    r.get(c.name);
    r.get(c.nx);
    r.get(c.ny);
    c.fields.resize(r.get_count(2 * length_bytes + 3 * sizeof(int)));
    for (auto& f : c.fields) {
      r.get(f.name);
      r.get(f.nz);
      r.get(f.ny);
      r.get(f.nx);
      r.get(f.checksum);
    }
  }
  r.expect_end();
  return info;
}

}  // namespace meridian::io
