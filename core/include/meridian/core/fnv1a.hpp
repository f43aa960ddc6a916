#pragma once
// FNV-1a, 64 bits: a hash of bytes that is the same on every platform and in every run, for
// agreeing on a description across ranks or recognising a configuration (Config::digest, io's
// metadata agreement before a collective file). Not for keys an adversary chooses.

#include <cstdint>
#include <string_view>

namespace meridian::core {

inline constexpr std::uint64_t fnv1a_start = 0xcbf29ce484222325ull;  // the FNV-1a 64 offset basis

// The hash of `bytes` continued from `h` (fnv1a_start for a fresh one): fnv1a(b, fnv1a(a)) hashes a then b.
constexpr std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = fnv1a_start) noexcept {
  for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

}  // namespace meridian::core
