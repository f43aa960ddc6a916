#pragma once
// Move-only owners of HDF5 identifiers, and the checks that turn HDF5 failures into core::Error.
// One template (after Parthenon's H5Handle<CloseFn>) covers files, groups, datasets, dataspaces,
// property lists, attributes and datatypes: each identifier is closed exactly once, also when an
// exception unwinds. HDF5's own error printing is turned off (silence_hdf5_errors); instead the
// innermost message of HDF5's error stack is appended to the exception, with the file name and what
// was being done, so a failure on rank 517 of a run says which file and which step failed.

#include <hdf5.h>

#include <string>
#include <string_view>
#include <utility>

namespace meridian::io {

// Where an HDF5 call happens: the rank (in the writer's communicator, -1 if none) and the file.
struct H5Where {
  int rank = -1;
  std::string file;
};

// Turns off HDF5's automatic printing of its error stack for this process (idempotent, local).
void silence_hdf5_errors() noexcept;

// The innermost message on HDF5's error stack ("" if empty); clears the stack. Local.
std::string hdf5_error_message();

// Throws core::Error "file 'f': <what>: <innermost HDF5 message>" if `status` is negative.
void check_h5(herr_t status, const H5Where& where, std::string_view what);
// Same for calls that return an identifier or a size; returns the value unchanged when valid.
hid_t check_h5_id(hid_t id, const H5Where& where, std::string_view what);

template <herr_t (*Close)(hid_t)>
class H5Handle {
 public:
  H5Handle() = default;
  // Takes ownership of `id`; throws core::Error if it is negative (the call that made it failed).
  H5Handle(hid_t id, const H5Where& where, std::string_view what) : id_(check_h5_id(id, where, what)) {}
  ~H5Handle() { reset(); }
  H5Handle(H5Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  H5Handle& operator=(H5Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;

  hid_t get() const noexcept { return id_; }
  explicit operator bool() const noexcept { return id_ >= 0; }

  // Closes now and checks the result: for files, where closing flushes data and errors matter.
  // Collective where the close is (H5Fclose of a file opened with the MPI-IO driver).
  void close(const H5Where& where, std::string_view what) {
    hid_t id = std::exchange(id_, H5I_INVALID_HID);
    if (id >= 0) check_h5(Close(id), where, what);
  }

 private:
  // A destructor cannot throw: a failed close during unwinding is dropped (the error in flight is
  // the one worth reporting).
  void reset() noexcept {
    if (id_ >= 0) Close(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
};

using H5File = H5Handle<H5Fclose>;
using H5Group = H5Handle<H5Gclose>;
using H5Dataset = H5Handle<H5Dclose>;
using H5Dataspace = H5Handle<H5Sclose>;
using H5PropList = H5Handle<H5Pclose>;
using H5Attribute = H5Handle<H5Aclose>;
using H5Datatype = H5Handle<H5Tclose>;

}  // namespace meridian::io
