#pragma once
// Values as a flat byte string and back, for one rank to broadcast what it read or decided
// (broadcast_string carries the bytes). Trivially copyable values travel as their bytes, a string
// as its length (8 bytes) and its bytes, a vector as its count (8 bytes) and its elements. The
// bytes are only ever read by the same build on the same machine type, so no byte order or
// versioning is recorded. Reading is bounds-checked: a short or corrupt buffer throws Error and
// never reads past the end or allocates more than the buffer could describe.
//
//   BytePacker p;  p.put(step);  p.put(name);  p.put(levels);      // rank 0
//   broadcast_string(p.bytes(), 0, comm);
//   ByteReader r(p.bytes(), "receiving the layout");  r.get(step);  r.get(name);  r.get(levels);

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "meridian/core/error.hpp"

namespace meridian::core {

// Pointers and arrays are left out: a pointer's address means nothing on another rank, and a string
// literal must pack as a string.
template <class T>
concept PackedValue = std::is_trivially_copyable_v<T> && !std::is_pointer_v<T> && !std::is_array_v<T>;

class BytePacker {
 public:
  template <PackedValue T>
  void put(const T& v) {
    bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put(std::string_view s) {
    put(std::uint64_t(s.size()));
    bytes_.append(s);
  }
  template <class T>
  void put(const std::vector<T>& v) {
    put(std::uint64_t(v.size()));
    for (const T& x : v) put(x);
  }
  // The bytes so far; a mutable reference so that broadcast_string can fill it on other ranks.
  std::string& bytes() noexcept { return bytes_; }
  const std::string& bytes() const noexcept { return bytes_; }

 private:
  std::string bytes_;
};

class ByteReader {
 public:
  // Reads `bytes`, which must outlive the reader. `context` names what is being read in errors
  // ("unpacking restart info").
  ByteReader(std::string_view bytes, std::string context) : bytes_(bytes), context_(std::move(context)) {}

  template <PackedValue T>
  void get(T& v) {
    need(sizeof v);
    std::memcpy(&v, bytes_.data() + at_, sizeof v);
    at_ += sizeof v;
  }
  void get(std::string& s) {
    const std::size_t n = get_count(1);
    s.assign(bytes_.data() + at_, n);
    at_ += n;
  }
  template <class T>
  void get(std::vector<T>& v) {
    // Every element takes at least one byte (a string or vector at least eight).
    v.resize(get_count(std::is_trivially_copyable_v<T> ? sizeof(T) : sizeof(std::uint64_t)));
    for (T& x : v) get(x);
  }
  // get() returning the value: r.get<int>().
  template <class T>
  T get() {
    T v{};
    get(v);
    return v;
  }
  // A count of items that follow, each at least `min_item_bytes` long (for a caller's own loop over
  // structs): throws if the rest of the buffer cannot hold that many, before anything is allocated.
  std::size_t get_count(std::size_t min_item_bytes) {
    const std::uint64_t n = get<std::uint64_t>();
    if (min_item_bytes > 0 && n > remaining() / min_item_bytes)
      throw Error(-1, context_,
                  "corrupt buffer: " + std::to_string(n) + " items of at least " + std::to_string(min_item_bytes) +
                      " bytes announced at byte " + std::to_string(at_ - sizeof n) + ", " +
                      std::to_string(remaining()) + " bytes left");
    return std::size_t(n);
  }
  std::size_t remaining() const noexcept { return bytes_.size() - at_; }
  // Throws unless every byte was read: a reader that disagrees with its writer is a bug.
  void expect_end() const {
    if (remaining() != 0)
      throw Error(-1, context_, "corrupt buffer: " + std::to_string(remaining()) + " bytes left unread");
  }

 private:
  void need(std::size_t n) const {
    if (n > remaining())
      throw Error(-1, context_,
                  "short buffer: " + std::to_string(n) + " bytes needed at byte " + std::to_string(at_) + " of " +
                      std::to_string(bytes_.size()));
  }
  std::string_view bytes_;
  std::string context_;
  std::size_t at_ = 0;
};

}  // namespace meridian::core
