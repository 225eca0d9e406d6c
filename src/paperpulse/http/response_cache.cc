#include "paperpulse/http/response_cache.h"

namespace paperpulse::http {

ResponseCache::ResponseCache(Clock& clock, std::chrono::milliseconds ttl, size_t max_bytes)
    : clock_(clock), ttl_(ttl), max_bytes_(max_bytes) {}

ResponseCache::Hit ResponseCache::Lookup(std::string_view key) {
  if (ttl_.count() == 0) return {};
  auto now = clock_.SteadyNow();
  std::lock_guard lock(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end()) return {};
  Slot& slot = it->second;
  if (slot.generation != generation()) return {};
  if (now < slot.expires) return {slot.entity, false, false};
  if (now >= slot.expires + kMaxStaleTtls * ttl_) return {};
  bool refresh = slot.refresh_claimed == Time{} || now - slot.refresh_claimed > kClaimTimeout;
  if (refresh) slot.refresh_claimed = now;
  return {slot.entity, true, refresh};
}

std::shared_ptr<const Entity> ResponseCache::GetStale(std::string_view key) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(key);
  return it == slots_.end() ? nullptr : it->second.entity;
}

void ResponseCache::Put(std::string key, std::shared_ptr<const Entity> entity,
                        uint64_t generation) {
  if (ttl_.count() == 0) return;
  size_t bytes = key.size() + entity->response.body.size() + entity->gzip_body.size();
  auto now = clock_.SteadyNow();
  std::lock_guard lock(mu_);
  // Checked under the lock: an Invalidate() after this check is ordered
  // after the Put, and turns the entry into a miss like any other.
  uint64_t current = this->generation();
  if (generation != current) return;
  if (bytes_ + bytes > max_bytes_) {
    for (auto it = slots_.begin(); it != slots_.end();) {
      const Slot& s = it->second;
      if (s.generation != current || s.expires <= now) {
        bytes_ -= s.bytes;
        it = slots_.erase(it);
      } else {
        ++it;
      }
    }
    if (bytes_ + bytes > max_bytes_) {
      slots_.clear();
      bytes_ = 0;
    }
  }
  if (bytes > max_bytes_) return;
  auto [it, inserted] = slots_.try_emplace(std::move(key));
  if (!inserted) bytes_ -= it->second.bytes;
  it->second = Slot{std::move(entity), now + ttl_, generation, bytes};
  bytes_ += bytes;
}

}  // namespace paperpulse::http
