#include "paperpulse/http/response_cache.h"

#include <gtest/gtest.h>

#include <thread>

namespace paperpulse::http {
namespace {

using std::chrono::milliseconds;

std::shared_ptr<const Entity> Page(std::string body) {
  return MakeEntity(MakeResponse(200, "text/html; charset=utf-8", std::move(body)), 1);
}

TEST(ResponseCache, FreshThenStaleWithOneRefresherThenGone) {
  const milliseconds ttl(200);
  ResponseCache cache(ttl, 1 << 20);
  EXPECT_EQ(cache.Lookup("/a").entity, nullptr);
  cache.Put("/a", Page("one"));
  auto hit = cache.Lookup("/a");
  ASSERT_NE(hit.entity, nullptr);
  EXPECT_FALSE(hit.stale);
  EXPECT_EQ(cache.Get("/a"), hit.entity);

  std::this_thread::sleep_for(ttl + milliseconds(50));
  EXPECT_EQ(cache.Get("/a"), nullptr);
  hit = cache.Lookup("/a");
  ASSERT_NE(hit.entity, nullptr);
  EXPECT_TRUE(hit.stale);
  EXPECT_TRUE(hit.refresh);
  // Everyone else gets the stale page without refreshing it again.
  hit = cache.Lookup("/a");
  EXPECT_TRUE(hit.stale);
  EXPECT_FALSE(hit.refresh);

  cache.Put("/a", Page("two"));
  hit = cache.Lookup("/a");
  EXPECT_FALSE(hit.stale);
  EXPECT_EQ(hit.entity->response.body.view(), "two");

  // Too old to serve at all: the caller renders.
  std::this_thread::sleep_for(ttl * (ResponseCache::kMaxStaleTtls + 2));
  EXPECT_EQ(cache.Lookup("/a").entity, nullptr);
  EXPECT_NE(cache.GetStale("/a"), nullptr);
}

TEST(ResponseCache, ZeroTtlDisablesIt) {
  ResponseCache cache(milliseconds(0), 1 << 20);
  cache.Put("/a", Page("one"));
  EXPECT_EQ(cache.Lookup("/a").entity, nullptr);
  EXPECT_EQ(cache.Get("/a"), nullptr);
}

TEST(ResponseCache, StaysWithinItsByteBudget) {
  ResponseCache cache(milliseconds(60'000), 1000);
  cache.Put("/big", Page(std::string(2000, 'x')));
  EXPECT_EQ(cache.Get("/big"), nullptr);
  cache.Put("/a", Page(std::string(400, 'a')));
  cache.Put("/b", Page(std::string(400, 'b')));
  cache.Put("/c", Page(std::string(400, 'c')));  // over budget: the cache starts afresh
  EXPECT_NE(cache.Get("/c"), nullptr);
  EXPECT_EQ(cache.Get("/a"), nullptr);
}

}  // namespace
}  // namespace paperpulse::http
