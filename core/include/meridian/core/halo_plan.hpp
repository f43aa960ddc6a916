#pragma once
// Split-phase halo exchange: a plan per (decomposition, width), made once and cached, and fields
// bound per call (the pattern of GHEX's communication object and AMReX's cached FillBoundary plans):
//
//   HaloPlan& plan = plan_for(decomp, 2);  // collective the first time for this (decomp, width)
//   HaloHandle h = plan.start({&u, &v});    // self copies, post receives, pack columns, send
//   compute_interior();                     // owned cells may be read, not written
//   h.finish();                             // wait, unpack: halos (corners too) are now valid
//   plan.exchange({&w});                    // start + finish, any field set of the block's shape
//
// One message per neighbouring rank carries every field and every direction shared with that rank.
// Rows travel straight from and into the fields' memory (an MPI datatype over the bound fields, so
// nothing is packed or unpacked for them); only columns and corners, a few cells per row, go
// through a buffer. Neighbours that are this rank itself (one rank across a periodic direction) are
// served by a local copy, with no MPI traffic, in start(); when x wraps onto this rank, the rows
// sent north and south are wrapped first and then carry the wrapped corners with them (N, NE and NW
// are one contiguous block of rows, as in the plain MPI code of apps/bench/stencil_baseline.cpp);
// the rest of the wrap is copied while the messages travel. All plans
// of one decomposition share one duplicated communicator, each with its own tag (its width), so two
// plans may have exchanges in flight at once; one plan has at most one.

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/mpi_handles.hpp"

namespace meridian::core {

class HaloPlan;

// The one exchange in flight on a plan. finish() completes it; a handle dropped unfinished (an
// exception between start and finish) waits for its messages, leaves the halos unwritten and frees
// the plan for the next start. Move-only.
class [[nodiscard]] HaloHandle {
 public:
  ~HaloHandle();
  HaloHandle(HaloHandle&& other) noexcept : plan_(std::exchange(other.plan_, nullptr)) {}
  HaloHandle& operator=(HaloHandle&& other) noexcept;
  HaloHandle(const HaloHandle&) = delete;
  HaloHandle& operator=(const HaloHandle&) = delete;

  // Local, but waits for the neighbours' matching start: writes the halo cells of every field
  // passed to start(). Throws Error if already finished, or if a message has the wrong size (ranks
  // passed different field sets).
  void finish();
  bool pending() const noexcept { return plan_ != nullptr; }

 private:
  friend class HaloPlan;
  explicit HaloHandle(HaloPlan* plan) noexcept : plan_(plan) {}
  HaloPlan* plan_ = nullptr;
};

class HaloPlan {
 public:
  // Use plan_for(). Local: `comm` is the decomposition's duplicate, shared with its other plans;
  // `tag` is unique among them.
  HaloPlan(const Decomposition& decomp, MPI_Comm comm, int width, int tag);
  HaloPlan(const HaloPlan&) = delete;
  HaloPlan& operator=(const HaloPlan&) = delete;

  // Starts an exchange of `fields` (local; the neighbours start theirs with the same field set:
  // same count and levels, in the same order). Every field must have this rank's block shape and a
  // halo of at least width(); they are referenced until finish(), and their owned cells must not be
  // written before it (rows are sent from them in place, as MPI_Isend's buffer). Throws Error on a
  // shape mismatch or if an exchange of this plan is already in flight. Persistent requests and
  // their datatypes are kept per bound field set (the fields' memory), the last `channels_kept` sets,
  // so nothing is allocated once a set has been exchanged; a set with more levels than any before
  // grows the column buffers, and the requests of the other sets are then remade once. Halos whose
  // neighbour is this rank (self copies) are valid when start() returns; the others after finish().
  HaloHandle start(std::initializer_list<Field*> fields) {
    return start(std::span<Field* const>(fields.begin(), fields.size()));
  }
  HaloHandle start(std::span<Field* const> fields);
  // start(fields).finish().
  void exchange(std::initializer_list<Field*> fields) { start(fields).finish(); }
  void exchange(std::span<Field* const> fields) { start(fields).finish(); }

  // Throws Error unless every field has this rank's block shape and a halo of at least width().
  // Local; start() calls it.
  void check_fields(std::span<Field* const> fields) const;

  bool in_flight() const noexcept { return in_flight_; }
  int width() const noexcept { return width_; }
  // The communicator every plan of this decomposition uses (for tests: one per decomposition).
  MPI_Comm comm() const noexcept { return comm_; }
  // Number of messages this rank sends (and receives) per exchange: one per distinct neighbouring
  // rank other than itself.
  int messages() const noexcept { return static_cast<int>(messages_.size()); }
  // Whether some halo is filled from this rank's own cells (a periodic direction over one rank).
  bool has_self_copy() const noexcept { return !local_.empty(); }
  // Only the self copies of an exchange (what start() does besides messages), with no message: lets a
  // benchmark time them on their own. Local; throws Error on a shape mismatch or while in flight.
  void copy_self(std::span<Field* const> fields);
  // Bytes this rank sends to other ranks per exchange of fields with `levels` levels in all (self
  // copies excluded).
  std::size_t bytes_sent(int levels) const noexcept { return std::size_t(levels) * per_level_ * sizeof(double); }

 private:
  friend class HaloHandle;
  struct Box {
    IndexRange x, y;
  };
  struct Side {
    int direction;
    int peer;
    Box send, recv;
    std::size_t count = 0;  // values per level each way
    // Packed through the buffers (columns and corners: short rows) rather than sent in place.
    bool packed = false;
    std::size_t send_offset = 0, recv_offset = 0;  // per level, in the buffers, when packed
  };
  // The sides shared with one peer travel as one message, in the order both ends agree on: the
  // sender's directions ascending, which the receiver sees as opposite() of its own.
  struct Message {
    int peer;
    std::size_t count = 0;          // values per level
    std::vector<int> send, recv;    // indices into remote_, in message order
  };
  // Persistent requests for one bound field set, on datatypes over those fields and the buffers.
  struct Channel {
    struct Key {
      const double* data;
      int halo, nz;
      friend bool operator==(const Key&, const Key&) = default;
    };
    std::vector<Key> key;
    int levels = 0;
    std::vector<Datatype> types;
    std::vector<Request> recv, send;
    std::vector<MPI_Request> active;  // raw copies for Startall/Waitall
    std::vector<MPI_Status> statuses;
  };
  static constexpr std::size_t channels_kept = 8;
  Channel& channel_for(std::span<Field* const> fields, int levels);
  // The datatype of message `m` over MPI_BOTTOM; or, when the message is one block, no datatype and
  // that block in `single` and `count`.
  Datatype message_type(const Message& m, std::span<Field* const> fields, bool sending, std::size_t levels,
                        double*& single, int& count);
  void finish();
  void abandon() noexcept;

  MPI_Comm comm_;
  int width_, tag_, rank_, nx_, ny_;
  std::vector<Side> remote_, local_;
  std::vector<Side> local_before_, local_after_;  // local_, split: before and after the sends start
  std::vector<Side> packed_;  // copies of the packed sides of remote_, for the copy kernels
  std::vector<Message> messages_;
  std::size_t per_level_ = 0;         // values per level sent (and received) to other ranks
  std::size_t packed_per_level_ = 0;  // of which through the buffers
  int buffer_levels_ = 0;             // the buffers hold this many levels
  std::vector<double> send_buffer_, recv_buffer_;
  std::vector<std::unique_ptr<Channel>> channels_;  // most recently used last
  std::vector<Field*> bound_;                       // the fields of the exchange in flight
  Channel* current_ = nullptr;
  bool in_flight_ = false;
};

// The plans of one decomposition and the one communicator they share; held by the Decomposition
// (and its copies), so plans live as long as it does.
class HaloPlanCache {
 public:
  // Collective over decomp.comm() the first time a width is asked for (and the very first time:
  // duplicates the communicator); every rank must ask for new widths in the same order.
  HaloPlan& plan(const Decomposition& decomp, int width);

 private:
  Comm comm_;
  std::vector<std::unique_ptr<HaloPlan>> plans_;
};

// The halo plan of `decomp` for `width`, made on first use and then reused: the same object for
// every call with this decomposition (or a copy of it) and width. Collective on first use (see
// HaloPlanCache::plan). The reference is valid while the decomposition or a copy lives. Throws
// Error on a negative width.
HaloPlan& plan_for(const Decomposition& decomp, int width);

}  // namespace meridian::core
