// RestartInfo as bytes: rank 0 reads a restart file's layout and broadcasts it (peek_restart).
#include <cstring>

#include "meridian/core/error.hpp"
#include "restart_file.hpp"

namespace meridian::io {

namespace {
struct Packer {
  std::string bytes;
  template <typename T>
  void number(T v) {
    bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void text(const std::string& s) {
    number<unsigned long long>(s.size());
    bytes += s;
  }
};
struct Unpacker {
  const std::string& bytes;
  std::size_t at = 0;
  template <typename T>
  T number() {
    T v{};
    if (at + sizeof v > bytes.size()) throw core::Error(-1, "unpacking restart info", "short buffer");
    std::memcpy(&v, bytes.data() + at, sizeof v);
    at += sizeof v;
    return v;
  }
  std::string text() {
    auto n = number<unsigned long long>();
    if (at + n > bytes.size()) throw core::Error(-1, "unpacking restart info", "short buffer");
    std::string s = bytes.substr(at, n);
    at += n;
    return s;
  }
};
}  // namespace

std::string pack(const RestartInfo& info) {
  Packer p;
  p.text(info.path);
  p.number(info.step);
  p.number(info.total_steps);
  p.number(info.dt);
  p.number(info.time);
  p.text(info.version);
  p.text(info.git_revision);
  p.text(info.config_digest);
  p.number<unsigned long long>(info.settings.size());
  for (const auto& s : info.settings) p.text(s.key), p.text(s.value), p.text(s.shown);
  p.number<unsigned long long>(info.components.size());
  for (const auto& c : info.components) {
    p.text(c.name);
    p.number(c.nx);
    p.number(c.ny);
    p.number<unsigned long long>(c.fields.size());
    for (const auto& f : c.fields) {
      p.text(f.name);
      p.number(f.nz);
      p.number(f.ny);
      p.number(f.nx);
      p.text(f.checksum);
    }
  }
  return p.bytes;
}

RestartInfo unpack(const std::string& bytes) {
  Unpacker u{bytes};
  RestartInfo info;
  info.path = u.text();
  info.step = u.number<long long>();
  info.total_steps = u.number<long long>();
  info.dt = u.number<double>();
  info.time = u.number<double>();
  info.version = u.text();
  info.git_revision = u.text();
  info.config_digest = u.text();
  info.settings.resize(u.number<unsigned long long>());
  for (auto& s : info.settings) s.key = u.text(), s.value = u.text(), s.shown = u.text();
  info.components.resize(u.number<unsigned long long>());
  for (auto& c : info.components) {
    c.name = u.text();
    c.nx = u.number<int>();
    c.ny = u.number<int>();
    c.fields.resize(u.number<unsigned long long>());
    for (auto& f : c.fields) {
      f.name = u.text();
      f.nz = u.number<int>();
      f.ny = u.number<int>();
      f.nx = u.number<int>();
      f.checksum = u.text();
    }
  }
  return info;
}

}  // namespace meridian::io
