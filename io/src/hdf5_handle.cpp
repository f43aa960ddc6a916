#include "meridian/io/hdf5_handle.hpp"

#include "meridian/core/error.hpp"

namespace meridian::io {

void silence_hdf5_errors() noexcept { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

namespace {
// H5E_WALK_UPWARD visits the innermost error (where HDF5 first detected it) first: that one says
// what actually went wrong ("truncated file", "file signature not found"), the outer ones only
// which API call it surfaced through.
herr_t take_first(unsigned n, const H5E_error2_t* error, void* out) {
  auto* message = static_cast<std::string*>(out);
  if (n == 0 && error && error->desc) *message = error->desc;
  return 0;
}
}  // namespace

std::string hdf5_error_message() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_first, &message);
  H5Eclear2(H5E_DEFAULT);
  return message;
}

void check_h5(herr_t status, const H5Where& where, std::string_view what) {
  if (status >= 0) return;
  std::string detail = hdf5_error_message();
  std::string context = "file '" + where.file + "'";
  std::string message = std::string(what) + " failed";
  if (!detail.empty()) message += " (HDF5: " + detail + ")";
  throw core::Error(where.rank, context, message);
}

hid_t check_h5_id(hid_t id, const H5Where& where, std::string_view what) {
  check_h5(id < 0 ? herr_t(-1) : herr_t(0), where, what);
  return id;
}

}  // namespace meridian::io
