#pragma once
// One field set bound for good to the shared halo plan of (decomposition, width), for code that
// exchanges the same fields every step and keeps an exchanger as a member:
//
//   HaloExchange halo(decomp, 2, {&u, &v});   // collective the first time plan_for(decomp, 2) is made
//   halo.start();  compute_interior();  halo.finish();
//
// It owns no communicator and no buffers: those are the plan's (halo_plan.hpp), shared with every
// other exchange of that decomposition and width, so a throw-away HaloExchange costs nothing.
// New code can call plan_for(decomp, width).start({&u, &v}) directly.

#include <optional>
#include <vector>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/halo_plan.hpp"

namespace meridian::core {

class HaloExchange {
 public:
  // Collective over decomp.comm() as plan_for is. Every field must have this rank's block shape and
  // a halo of at least `width`. The fields are referenced, not owned: they must outlive the
  // exchange and must not be reallocated; so must the decomposition (or a copy). Throws Error on a
  // shape mismatch.
  HaloExchange(const Decomposition& decomp, int width, std::vector<Field*> fields);

  // Starts an exchange (local; the matching start happens on the neighbours). Throws if one of
  // this plan is already in flight.
  void start();
  // Completes the exchange started by start(); writes the halo cells of every field. Throws if none
  // is in flight.
  void finish();
  void exchange() { plan_->exchange(fields_); }
  bool in_flight() const noexcept { return handle_.has_value(); }
  int width() const noexcept { return plan_->width(); }

 private:
  HaloPlan* plan_;
  std::vector<Field*> fields_;
  std::optional<HaloHandle> handle_;
};

}  // namespace meridian::core
