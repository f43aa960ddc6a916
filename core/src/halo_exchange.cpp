#include "meridian/core/halo_exchange.hpp"

#include <utility>

#include "meridian/core/error.hpp"

namespace meridian::core {

HaloExchange::HaloExchange(const Decomposition& decomp, int width, std::vector<Field*> fields)
    : plan_(&plan_for(decomp, width)), fields_(std::move(fields)) {
  // Checked now, not only at the first start(): a wrong field is a setup error.
  plan_->check_fields(fields_);
}

void HaloExchange::start() { handle_.emplace(plan_->start(fields_)); }

void HaloExchange::finish() {
  if (!handle_) throw Error(-1, "halo exchange", "finish() called with no exchange in flight");
  HaloHandle h = std::move(*handle_);
  handle_.reset();
  h.finish();
}

}  // namespace meridian::core
