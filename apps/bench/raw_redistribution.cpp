#include "raw_redistribution.hpp"

#include "meridian/core/error.hpp"

namespace meridian::bench {

namespace {
std::size_t total(const std::vector<core::Redistribution::Message>& messages) {
  std::size_t n = 0;
  for (const auto& m : messages) n += std::size_t(m.count);
  return n;
}
}  // namespace

RawRedistribution::RawRedistribution(MPI_Comm run, const core::Redistribution& route) : comm_(core::Comm::dup(run)) {
  // Tags as Redistribution's: 1 for the gather, 2 for the scatter.
  gather_.traffic = route.gather_traffic();
  gather_.tag = 1;
  scatter_.traffic = route.scatter_traffic();
  scatter_.tag = 2;
  for (Exchange* e : {&gather_, &scatter_}) {
    e->send.assign(total(e->traffic.sends), 1.0);
    e->recv.assign(total(e->traffic.receives), 0.0);
    e->requests.resize(e->traffic.sends.size() + e->traffic.receives.size());
    bytes_sent_ += e->send.size() * sizeof(double);
    messages_ += int(e->traffic.sends.size());
  }
}

void RawRedistribution::exchange(Exchange& e) {
  if (e.requests.empty()) return;
  const MPI_Comm c = comm_.get();
  std::size_t offset = 0, k = 0;
  for (const auto& m : e.traffic.receives) {
    MERIDIAN_MPI(MPI_Irecv(e.recv.data() + offset, m.count, MPI_DOUBLE, m.peer, e.tag, c, &e.requests[k++]), c);
    offset += std::size_t(m.count);
  }
  offset = 0;
  for (const auto& m : e.traffic.sends) {
    MERIDIAN_MPI(MPI_Isend(e.send.data() + offset, m.count, MPI_DOUBLE, m.peer, e.tag, c, &e.requests[k++]), c);
    offset += std::size_t(m.count);
  }
  MERIDIAN_MPI(MPI_Waitall(int(e.requests.size()), e.requests.data(), MPI_STATUSES_IGNORE), c);
}

void RawRedistribution::round() {
  // The scatter waits for the gather, as the coupler's does (the fluxes need the gathered state).
  exchange(gather_);
  exchange(scatter_);
}

}  // namespace meridian::bench
