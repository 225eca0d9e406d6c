#include "paperpulse/http/store_pool.h"

namespace paperpulse::http {

Result<StorePool::Lease> StorePool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto store = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(store));
    }
  }
  ASSIGN_OR_RETURN(auto store, storage::Store::Open(options_));
  return Lease(this, std::move(store));
}

void StorePool::Return(std::unique_ptr<storage::Store> store) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(store));
}

}  // namespace paperpulse::http
