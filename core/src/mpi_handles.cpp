#include "meridian/core/mpi_handles.hpp"

#include <atomic>
#include <limits>

#include "meridian/core/error.hpp"

namespace meridian::core {

namespace {
bool mpi_running() noexcept {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

std::atomic<long long> dup_count{0};
}  // namespace

Comm Comm::dup(MPI_Comm parent) {
  MPI_Comm out = MPI_COMM_NULL;
  MERIDIAN_MPI(MPI_Comm_dup(parent, &out), parent);
  ++dup_count;
  Comm owned(out);
  MERIDIAN_MPI(MPI_Comm_set_errhandler(out, MPI_ERRORS_RETURN), out);
  return owned;
}

long long Comm::dups_made() noexcept { return dup_count.load(); }

Comm Comm::split(MPI_Comm parent, int color, int key) {
  MPI_Comm out = MPI_COMM_NULL;
  MERIDIAN_MPI(MPI_Comm_split(parent, color, key, &out), parent);
  Comm owned(out);
  if (out != MPI_COMM_NULL) MERIDIAN_MPI(MPI_Comm_set_errhandler(out, MPI_ERRORS_RETURN), out);
  return owned;
}

Comm Comm::node_local(MPI_Comm parent) {
  MPI_Comm out = MPI_COMM_NULL;
  MERIDIAN_MPI(MPI_Comm_split_type(parent, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &out), parent);
  Comm owned(out);
  MERIDIAN_MPI(MPI_Comm_set_errhandler(out, MPI_ERRORS_RETURN), out);
  return owned;
}

Comm::~Comm() {
  if (comm_ != MPI_COMM_NULL && mpi_running()) MPI_Comm_free(&comm_);
}

Comm& Comm::operator=(Comm&& other) noexcept {
  if (this != &other) {
    Comm old(std::exchange(comm_, std::exchange(other.comm_, MPI_COMM_NULL)));
  }
  return *this;
}

int Comm::rank() const {
  int r = -1;
  MERIDIAN_MPI(MPI_Comm_rank(comm_, &r), comm_);
  return r;
}

int Comm::size() const {
  int s = 0;
  MERIDIAN_MPI(MPI_Comm_size(comm_, &s), comm_);
  return s;
}

void Request::release() noexcept {
  if (request_ == MPI_REQUEST_NULL || !mpi_running()) return;
  // A started request must complete before its buffers go away; an inactive persistent request
  // completes at once. Cancelling an unmatched send is not portable, so we wait.
  MPI_Wait(&request_, MPI_STATUS_IGNORE);
  if (request_ != MPI_REQUEST_NULL) MPI_Request_free(&request_);
}

Request::~Request() { release(); }

Request& Request::operator=(Request&& other) noexcept {
  if (this != &other) {
    release();
    request_ = std::exchange(other.request_, MPI_REQUEST_NULL);
  }
  return *this;
}

Datatype Datatype::commit(MPI_Datatype type) {
  Datatype owned(type);
  MERIDIAN_MPI(MPI_Type_commit(&owned.type_), MPI_COMM_NULL);
  return owned;
}

Datatype::~Datatype() {
  if (type_ != MPI_DATATYPE_NULL && mpi_running()) MPI_Type_free(&type_);
}

Datatype& Datatype::operator=(Datatype&& other) noexcept {
  if (this != &other) {
    Datatype old(std::exchange(type_, std::exchange(other.type_, MPI_DATATYPE_NULL)));
  }
  return *this;
}

void broadcast_string(std::string& text, int root, MPI_Comm comm) {
  unsigned long long size = text.size();
  MERIDIAN_MPI(MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, root, comm), comm);
  if (size > static_cast<unsigned long long>(std::numeric_limits<int>::max()))
    throw Error(rank_or_unknown(comm), "broadcast", std::to_string(size) + " bytes do not fit one MPI message");
  text.resize(std::size_t(size));
  if (size > 0) MERIDIAN_MPI(MPI_Bcast(text.data(), int(size), MPI_CHAR, root, comm), comm);
}

std::string received_mismatch(const MPI_Status& status, std::size_t expected, int peer, MPI_Comm comm) {
  int received = 0;
  MERIDIAN_MPI(MPI_Get_count(&status, MPI_DOUBLE, &received), comm);
  if (received >= 0 && std::size_t(received) == expected) return {};
  return "expected " + std::to_string(expected) + " values from rank " + std::to_string(peer) + ", received " +
         std::to_string(received);
}

}  // namespace meridian::core
