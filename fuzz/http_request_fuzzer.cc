// Whole raw HTTP requests, as a connection receives them: Beast's parser
// with the server's limits (ParseRequestBytes, http/server.h), then the App
// (routing, query strings, cookies, bodies, every handler) over a SQLite
// Store holding one paper. Up to four pipelined requests per input. A
// handler must answer anything with a status below 500 (or 503 when a
// feature is off) and must not throw.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/base/clock.h"
#include "paperpulse/http/app.h"
#include "paperpulse/http/library.h"
#include "paperpulse/http/request_test_util.h"
#include "paperpulse/http/server.h"
#include "paperpulse/storage/store.h"

namespace {

using namespace paperpulse;

struct World {
  std::string dir;
  std::unique_ptr<FakeClock> clock;
  std::unique_ptr<http::App> app;
  http::ServerOptions server;
  http::TrustedProxies proxies;
  ~World() {
    app.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

World* world = nullptr;

void RemoveWorld() { delete world; }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  world = new World;
  std::string tmpl = (std::filesystem::temp_directory_path() / "pp_fuzz_http_XXXXXX").string();
  PP_FUZZ_CHECK(mkdtemp(tmpl.data()) != nullptr);
  world->dir = tmpl;
  std::atexit(RemoveWorld);
  storage::StoreOptions store_options;
  store_options.data_dir = world->dir;
  {
    auto store = storage::Store::Open(store_options);
    PP_FUZZ_CHECK(store.has_value());
    Paper p;
    p.id = "1706.03762";
    p.title = "Attention Is All You Need";
    p.abstract = "The dominant sequence transduction models are based on $\\alpha$ networks.";
    p.authors = {"Ashish Vaswani", "Noam Shazeer"};
    p.categories = {"cs.CL", "cs.LG"};
    p.submitted = "2017-06-12T17:57:34Z";
    p.updated = p.submitted;
    p.versions.push_back({1, p.submitted, "10kb"});
    p.latest_version = 1;
    PP_FUZZ_CHECK((*store)->UpsertPaper(p).has_value());
    DailyEntry e;
    e.date = "2024-05-08";
    e.paper_id = p.id;
    e.upvotes = 42;
    PP_FUZZ_CHECK((*store)->UpsertDailyEntry(e).has_value());
  }
  world->clock = std::make_unique<FakeClock>();
  auto options = http::testing::TestAppOptions(store_options, world->clock.get());
  auto app = http::App::Create(options);
  PP_FUZZ_CHECK(app.has_value());
  world->app = std::move(*app);
  world->server.upload_paths = http::LibraryUploadPaths();
  auto proxies = http::TrustedProxies::Parse({"127.0.0.0/8"});
  PP_FUZZ_CHECK(proxies.has_value());
  world->proxies = std::move(*proxies);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 4 && !raw.empty(); ++i) {
    http::ParsedRequest parsed =
        http::ParseRequestBytes(raw, world->server, world->proxies, "127.0.0.1");
    if (parsed.error_status != 0) {
      PP_FUZZ_CHECK(parsed.error_status >= 400 && parsed.error_status < 500);
      break;
    }
    PP_FUZZ_CHECK(parsed.consumed > 0 && parsed.consumed <= raw.size());
    raw.remove_prefix(parsed.consumed);
    const http::Request& req = parsed.request;
    std::optional<http::Response> response = world->app->TryFast(req);
    if (!response) response = world->app->Handle(req);
    if (response->status >= 500 && response->status != 503) {
      std::fprintf(stderr, "%s %s -> %d\n%.*s\n", req.method.c_str(), req.target.c_str(),
                   response->status, static_cast<int>(std::min<size_t>(response->body.size(), 500)),
                   response->body.view().data());
      PP_FUZZ_CHECK(response->status < 500);
    }
  }
  return 0;
}
