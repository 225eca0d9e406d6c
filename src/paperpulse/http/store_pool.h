// A pool of Store connections for the server's threads. A Store object is
// not thread-safe, so each request borrows one for its duration; the pool
// grows to the number of requests handled at once (the thread count).
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http {

class StorePool {
 public:
  explicit StorePool(storage::StoreOptions options) : options_(std::move(options)) {}

  // A borrowed Store, returned to the pool when the lease is destroyed.
  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<storage::Store> store)
        : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (store_) pool_->Return(std::move(store_));
    }
    storage::Store& operator*() const { return *store_; }
    storage::Store* operator->() const { return store_.get(); }

   private:
    StorePool* pool_;
    std::unique_ptr<storage::Store> store_;
  };

  // An idle Store, or a newly opened one. Errors: those of Store::Open.
  // Thread-safe.
  Result<Lease> Acquire();

 private:
  void Return(std::unique_ptr<storage::Store> store);

  storage::StoreOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<storage::Store>> idle_;
};

}  // namespace paperpulse::http
