#include "paperpulse/http/response_cache.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

using std::chrono::milliseconds;

std::shared_ptr<const Entity> Page(std::string body) {
  return MakeEntity(MakeResponse(200, "text/html; charset=utf-8", std::move(body)), 1);
}

std::string_view BodyOf(const ResponseCache::Hit& hit) {
  return hit.entity ? hit.entity->response.body.view() : std::string_view("<miss>");
}

class ResponseCacheTest : public ::testing::Test {
 protected:
  static constexpr milliseconds kTtl{5000};
  FakeClock clock_;
  ResponseCache cache_{clock_, kTtl, 1 << 20};

  void Put(std::string key, std::string body) {
    cache_.Put(std::move(key), Page(std::move(body)), cache_.generation());
  }
};

TEST_F(ResponseCacheTest, FreshThenStaleWithOneRefresherThenGone) {
  EXPECT_EQ(cache_.Lookup("/a").entity, nullptr);
  Put("/a", "one");
  auto hit = cache_.Lookup("/a");
  EXPECT_EQ(BodyOf(hit), "one");
  EXPECT_FALSE(hit.stale);

  clock_.Advance(kTtl);
  hit = cache_.Lookup("/a");
  EXPECT_EQ(BodyOf(hit), "one");
  EXPECT_TRUE(hit.stale);
  EXPECT_TRUE(hit.refresh);
  // Everyone else gets the stale page without refreshing it again...
  hit = cache_.Lookup("/a");
  EXPECT_TRUE(hit.stale);
  EXPECT_FALSE(hit.refresh);
  // ...until the claim is so old that its refresher must have failed.
  clock_.Advance(ResponseCache::kClaimTimeout + milliseconds(1));
  EXPECT_TRUE(cache_.Lookup("/a").refresh);

  Put("/a", "two");
  hit = cache_.Lookup("/a");
  EXPECT_FALSE(hit.stale);
  EXPECT_EQ(BodyOf(hit), "two");

  // Too old to serve at all: the caller renders.
  clock_.Advance(kTtl * (ResponseCache::kMaxStaleTtls + 1));
  EXPECT_EQ(cache_.Lookup("/a").entity, nullptr);
  EXPECT_NE(cache_.GetStale("/a"), nullptr);
}

TEST_F(ResponseCacheTest, InvalidateMakesEveryEntryAMissAtOnce) {
  Put("/a", "one");
  Put("/b", "bee");
  cache_.Invalidate();
  // Not even served stale: a write must show on the very next request.
  for (const char* key : {"/a", "/b"}) {
    auto hit = cache_.Lookup(key);
    EXPECT_EQ(hit.entity, nullptr) << key;
    EXPECT_FALSE(hit.refresh) << key;
  }
  // Its last render is still there to compare against (Last-Modified).
  EXPECT_NE(cache_.GetStale("/a"), nullptr);
  Put("/a", "two");
  EXPECT_EQ(BodyOf(cache_.Lookup("/a")), "two");
  EXPECT_EQ(cache_.Lookup("/b").entity, nullptr);
}

TEST_F(ResponseCacheTest, RenderStartedBeforeAnInvalidationIsNotKept) {
  uint64_t before = cache_.generation();
  // A render reads the Store here; a write commits and invalidates...
  cache_.Invalidate();
  // ...and the render, which may have read the old data, finishes.
  cache_.Put("/a", Page("old data"), before);
  EXPECT_EQ(cache_.Lookup("/a").entity, nullptr);
  // The same for a stale-while-revalidate refresh replacing an entry.
  Put("/b", "one");
  clock_.Advance(kTtl);
  ASSERT_TRUE(cache_.Lookup("/b").refresh);
  uint64_t refresh_started = cache_.generation();
  cache_.Invalidate();
  cache_.Put("/b", Page("refreshed from old data"), refresh_started);
  EXPECT_EQ(cache_.Lookup("/b").entity, nullptr);
}

TEST_F(ResponseCacheTest, StaysWithinItsByteBudget) {
  ResponseCache cache(clock_, milliseconds(60'000), 1000);
  auto put = [&](const char* key, std::string body) {
    cache.Put(key, Page(std::move(body)), cache.generation());
  };
  put("/big", std::string(2000, 'x'));
  EXPECT_EQ(cache.Lookup("/big").entity, nullptr);
  put("/a", std::string(400, 'a'));
  put("/b", std::string(400, 'b'));
  put("/c", std::string(400, 'c'));  // over budget: the cache starts afresh
  EXPECT_NE(cache.Lookup("/c").entity, nullptr);
  EXPECT_EQ(cache.Lookup("/a").entity, nullptr);
  // Entries of an old generation are dropped first when space is needed.
  cache.Invalidate();
  put("/d", std::string(400, 'd'));
  put("/e", std::string(400, 'e'));
  EXPECT_NE(cache.Lookup("/d").entity, nullptr);
  EXPECT_NE(cache.Lookup("/e").entity, nullptr);
}

TEST(ResponseCache, ZeroTtlDisablesIt) {
  FakeClock clock;
  ResponseCache cache(clock, milliseconds(0), 1 << 20);
  cache.Put("/a", Page("one"), cache.generation());
  EXPECT_EQ(cache.Lookup("/a").entity, nullptr);
}

}  // namespace
}  // namespace paperpulse::http
