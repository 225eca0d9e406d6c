// A micro-cache of prepared responses keyed by request target. Pages and API
// answers are rendered from the Store at most once per `ttl` per target; the
// hot path is then a hash lookup plus a write of bytes already gzipped.
//
// Read-your-writes: a write must show on the next request, so the cache has
// a generation. Invalidate() (called by the App after a write of its own,
// and when the Store's ContentVersion() shows a write by another process or
// node) starts a new generation; entries of older generations are never
// served again, not even stale. A render takes generation() before it reads
// the Store and passes it to Put(), so an answer rendered from data older
// than the latest invalidation is never kept. The ttl still bounds how long
// anything derived outside the Store (the search index) can lag.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "paperpulse/base/clock.h"
#include "paperpulse/http/entity.h"

namespace paperpulse::http {

class ResponseCache {
 public:
  // `ttl` 0 disables the cache. `max_bytes` bounds the bodies held. `clock`
  // is borrowed and must outlive the cache.
  ResponseCache(Clock& clock, std::chrono::milliseconds ttl, size_t max_bytes);

  struct Hit {
    std::shared_ptr<const Entity> entity;  // nullptr: render now
    bool stale = false;                    // past its ttl (but at most kMaxStaleTtls ttls old)
    bool refresh = false;                  // the caller should re-render it (first to see it stale)
  };

  // Stale-while-revalidate (RFC 5861's idea, inside the server): a fresh
  // entity of the current generation is returned as is; an expired one is
  // still returned for up to kMaxStaleTtls ttls, and exactly one caller per
  // kClaimTimeout is told to refresh it, so a hot page is re-rendered once,
  // off the request path, instead of by every thread that sees it expire.
  // Entries from before the last Invalidate() are misses. Thread-safe.
  Hit Lookup(std::string_view key);
  static constexpr int kMaxStaleTtls = 6;
  static constexpr std::chrono::seconds kClaimTimeout{10};

  // The current generation; take it before reading what a response is
  // rendered from. Thread-safe.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Makes every entry a miss from now on. Thread-safe; cheap (no scan).
  void Invalidate() { generation_.fetch_add(1, std::memory_order_acq_rel); }

  // Stores `entity` under `key` as rendered at `generation` (what
  // generation() said before the render began); dropped when an
  // Invalidate() came since. When over budget, expired entries and those
  // of old generations are dropped first, then everything (cheap, and refilled at the
  // next requests). Thread-safe.
  void Put(std::string key, std::shared_ptr<const Entity> entity, uint64_t generation);

  // Entities of the previous render of `key`, even when expired or of an
  // old generation (lets a re-render keep Last-Modified when the body is
  // unchanged), or nullptr. Thread-safe.
  std::shared_ptr<const Entity> GetStale(std::string_view key);

 private:
  using Time = Clock::SteadyTime;
  struct Slot {
    std::shared_ptr<const Entity> entity;
    Time expires;
    uint64_t generation = 0;
    size_t bytes = 0;
    Time refresh_claimed{};  // epoch: nobody is refreshing it
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  Clock& clock_;
  const std::chrono::milliseconds ttl_;
  const size_t max_bytes_;
  std::atomic<uint64_t> generation_{0};
  std::mutex mu_;
  std::unordered_map<std::string, Slot, Hash, std::equal_to<>> slots_;
  size_t bytes_ = 0;
};

}  // namespace paperpulse::http
