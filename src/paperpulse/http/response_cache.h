// A micro-cache of prepared responses keyed by request target. Pages and API
// answers are rendered from the Store at most once per `ttl` per target; the
// hot path is then a hash lookup plus a write of bytes already gzipped.
//
// Why a time-to-live rather than invalidation: daily entries (upvotes,
// comments) change without bumping the Store's change sequence, and
// asking the Store "did anything change?" per request would cost as much
// as the query it saves. A ttl of a few seconds bounds staleness instead.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "paperpulse/http/entity.h"

namespace paperpulse::http {

class ResponseCache {
 public:
  // `ttl` 0 disables the cache. `max_bytes` bounds the bodies held.
  ResponseCache(std::chrono::milliseconds ttl, size_t max_bytes);

  // The fresh entity for `key`, or nullptr. Thread-safe.
  std::shared_ptr<const Entity> Get(std::string_view key);

  struct Hit {
    std::shared_ptr<const Entity> entity;  // nullptr: render now
    bool stale = false;                    // past its ttl (but at most kMaxStaleTtls ttls old)
    bool refresh = false;                  // the caller should re-render it (first to see it stale)
  };

  // Stale-while-revalidate (RFC 5861's idea, inside the server): a fresh
  // entity is returned as is; an expired one is still returned for up to
  // kMaxStaleTtls ttls, and exactly one caller per kClaimTimeout is told to
  // refresh it, so a hot page is re-rendered once, off the request path,
  // instead of by every thread that sees it expire. Thread-safe.
  Hit Lookup(std::string_view key);
  static constexpr int kMaxStaleTtls = 6;
  static constexpr std::chrono::seconds kClaimTimeout{10};

  // Stores `entity` under `key`. When over budget, expired entries are
  // dropped first, then everything (cheap, and refilled at the next
  // requests). Thread-safe.
  void Put(std::string key, std::shared_ptr<const Entity> entity);

  // Entities of the previous render of `key`, even when expired (lets a
  // re-render keep Last-Modified when the body is unchanged), or nullptr.
  std::shared_ptr<const Entity> GetStale(std::string_view key);

 private:
  using Clock = std::chrono::steady_clock;
  struct Slot {
    std::shared_ptr<const Entity> entity;
    Clock::time_point expires;
    size_t bytes = 0;
    Clock::time_point refresh_claimed{};  // epoch: nobody is refreshing it
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  const std::chrono::milliseconds ttl_;
  const size_t max_bytes_;
  std::mutex mu_;
  std::unordered_map<std::string, Slot, Hash, std::equal_to<>> slots_;
  size_t bytes_ = 0;
};

}  // namespace paperpulse::http
