#pragma once
// Move-only owners of MPI handles. Each frees its handle exactly once; none is ever copied.
// Every communicator made here returns errors (MPI_ERRORS_RETURN) so check_mpi can turn them into
// exceptions that name the rank and the call, instead of MPI aborting with no context.

#include <mpi.h>

#include <cstddef>
#include <string>
#include <utility>

namespace meridian::core {

// An owned communicator. Collective on the parent when created by dup()/split().
class Comm {
 public:
  Comm() = default;
  // Duplicates `parent` (collective): a private tag space for one exchanger or writer.
  static Comm dup(MPI_Comm parent);
  // How many dup() calls this process has made: lets tests show that communicators are not
  // duplicated per exchange or per field set. Local.
  static long long dups_made() noexcept;
  // MPI_Comm_split of `parent` (collective); ranks with color MPI_UNDEFINED get a null Comm.
  static Comm split(MPI_Comm parent, int color, int key);
  // The ranks of `parent` that share this rank's node (memory), collective on `parent`.
  static Comm node_local(MPI_Comm parent);
  ~Comm();
  Comm(Comm&& other) noexcept : comm_(std::exchange(other.comm_, MPI_COMM_NULL)) {}
  Comm& operator=(Comm&& other) noexcept;
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;

  MPI_Comm get() const noexcept { return comm_; }
  explicit operator bool() const noexcept { return comm_ != MPI_COMM_NULL; }
  int rank() const;
  int size() const;

 private:
  explicit Comm(MPI_Comm comm) : comm_(comm) {}
  MPI_Comm comm_ = MPI_COMM_NULL;
};

// An owned request, persistent (MPI_Send_init/Recv_init) or not. Freeing an active request would
// leave MPI writing into freed memory, so the destructor waits for a started request first.
class Request {
 public:
  Request() = default;
  explicit Request(MPI_Request request) : request_(request) {}
  ~Request();
  Request(Request&& other) noexcept : request_(std::exchange(other.request_, MPI_REQUEST_NULL)) {}
  Request& operator=(Request&& other) noexcept;
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  MPI_Request* ptr() noexcept { return &request_; }
  MPI_Request get() const noexcept { return request_; }

 private:
  void release() noexcept;
  MPI_Request request_ = MPI_REQUEST_NULL;
};

// An owned, committed derived datatype.
class Datatype {
 public:
  Datatype() = default;
  // Takes ownership of an uncommitted type and commits it.
  static Datatype commit(MPI_Datatype type);
  ~Datatype();
  Datatype(Datatype&& other) noexcept : type_(std::exchange(other.type_, MPI_DATATYPE_NULL)) {}
  Datatype& operator=(Datatype&& other) noexcept;
  Datatype(const Datatype&) = delete;
  Datatype& operator=(const Datatype&) = delete;

  MPI_Datatype get() const noexcept { return type_; }

 private:
  explicit Datatype(MPI_Datatype type) : type_(type) {}
  MPI_Datatype type_ = MPI_DATATYPE_NULL;
};

// Every rank of `comm` gets `text` as it is on rank `root`: the length, then the bytes. Collective.
// Throws Error if the text is longer than one MPI message can carry (INT_MAX bytes).
void broadcast_string(std::string& text, int root, MPI_Comm comm);

// After a completed receive of doubles: "" if it brought `expected` values, else "expected N values
// from rank P, received R" for the caller's Error. Throws on an MPI error. Local.
std::string received_mismatch(const MPI_Status& status, std::size_t expected, int peer, MPI_Comm comm);

}  // namespace meridian::core
