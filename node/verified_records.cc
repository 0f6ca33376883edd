#include "node/verified_records.h"

namespace agritrace::node {

chain::Status VerifiedRecords::Verify(const chain::Record& record) {
  if (Contains(record.id)) return chain::Status::Ok();
  {
    std::lock_guard lock(mu_);
    ++verifications_;
  }
  // Outside the lock: verification is the expensive part and needs no shared state.
  AGRI_RETURN_IF_ERROR(chain::VerifyRecordSignature(record));
  Remember(record.id);
  return chain::Status::Ok();
}

bool VerifiedRecords::Contains(const chain::Hash256& id) const {
  std::lock_guard lock(mu_);
  return ids_.count(id) > 0;
}

uint64_t VerifiedRecords::verifications() const {
  std::lock_guard lock(mu_);
  return verifications_;
}

void VerifiedRecords::Remember(const chain::Hash256& id) {
  std::lock_guard lock(mu_);
  if (!ids_.insert(id).second) return;
  order_.push_back(id);
  while (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace agritrace::node
