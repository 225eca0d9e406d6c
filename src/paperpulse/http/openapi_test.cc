// The OpenAPI document against the real App: every documented /api/
// operation reaches a route of its own (not 405, not the "no such API
// endpoint" catch-all), and every method the App's routes take on a
// documented path is documented there. And GET /openapi.json itself.
#include "paperpulse/http/openapi.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/http/app.h"
#include "paperpulse/http/request_test_util.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::http {
namespace {

using http::testing::Body;
using http::testing::Header;
using http::testing::MakeRequest;
using ::testing::HasSubstr;

constexpr std::string_view kUnknownEndpoint = "no such API endpoint";
constexpr const char* kMethods[] = {"get", "put", "post", "delete", "patch"};

struct Operation {
  std::string path;    // the document's template, "/api/papers/{id}/upvote"
  std::string method;  // "POST"
};

// What the tests need of the document: its operations, and its paths as a
// Router whose routes take the documented methods (path parameters marked
// x-multi-segment become "{name...}", as the App's own routes spell them).
struct Document {
  std::vector<Operation> operations;
  std::vector<std::string> paths;
  Router router;
  // A concrete path for each template, with sample parameter values.
  std::map<std::string, std::string> instances;
};

// "get" -> "GET" (the document's method keys are lower-case letters).
std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c - 'a' + 'A');
  return out;
}

simdjson::dom::element Resolve(simdjson::dom::element root, simdjson::dom::element e) {
  std::string_view ref;
  if (e["$ref"].get(ref) != simdjson::SUCCESS) return e;
  // "#/components/parameters/PaperId" -> JSON pointer "/components/...".
  return root.at_pointer(ref.substr(1)).value();
}

// The names of the multi-segment path parameters of a path item.
std::set<std::string, std::less<>> MultiSegmentParams(simdjson::dom::element root,
                                                      simdjson::dom::element item) {
  std::vector<simdjson::dom::element> params;
  auto collect = [&](simdjson::dom::element holder) {
    simdjson::dom::array list;
    if (holder["parameters"].get(list) != simdjson::SUCCESS) return;
    for (simdjson::dom::element p : list) params.push_back(Resolve(root, p));
  };
  collect(item);
  for (const char* m : kMethods) {
    simdjson::dom::element op;
    if (item[m].get(op) == simdjson::SUCCESS) collect(op);
  }
  std::set<std::string, std::less<>> out;
  for (simdjson::dom::element p : params) {
    bool multi = false;
    std::string_view name;
    if (p["x-multi-segment"].get(multi) == simdjson::SUCCESS && multi &&
        p["name"].get(name) == simdjson::SUCCESS) {
      out.emplace(name);
    }
  }
  return out;
}

std::unique_ptr<Document> LoadDocument() {
  auto doc = std::make_unique<Document>();
  static simdjson::dom::parser parser;
  simdjson::padded_string json(OpenApiDocument());
  simdjson::dom::element root = parser.parse(json).value();
  simdjson::dom::object paths;
  if (root["paths"].get(paths) != simdjson::SUCCESS) return doc;
  for (auto [path, value] : paths) {
    simdjson::dom::element item = value;
    auto multi = MultiSegmentParams(root, item);
    std::string pattern;
    std::string instance;
    for (size_t i = 0; i < path.size(); ++i) {
      if (path[i] != '{') {
        pattern += path[i];
        instance += path[i];
        continue;
      }
      size_t close = path.find('}', i);
      std::string_view name = path.substr(i + 1, close - i - 1);
      bool rest = multi.contains(name);
      pattern += '{';
      pattern += name;
      pattern += rest ? "...}" : "}";
      // An old-style id exercises the '/' a multi-segment parameter takes.
      if (rest) {
        instance += "hep-th/9901001";
      } else if (name == "owner") {
        instance += "ada";
      } else if (name == "slug") {
        instance += "reading-group";
      } else {
        instance += "1";
      }
      i = close;
    }
    Route route;
    route.name = std::string(path);
    route.pattern = pattern;
    route.methods.clear();
    for (const char* m : kMethods) {
      if (item[m].error() == simdjson::SUCCESS) {
        route.methods.push_back(Upper(m));
        doc->operations.push_back({std::string(path), Upper(m)});
      }
    }
    route.handler = [](const Request&, const PathParams&) { return Response(); };
    doc->router.Add(std::move(route));
    doc->paths.emplace_back(path);
    doc->instances[std::string(path)] = instance;
  }
  return doc;
}

bool IsCatchAll(const Response& r) {
  return r.status == 404 && Body(r).find(kUnknownEndpoint) != std::string::npos;
}

class OpenApiAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto app = App::Create(testing::TestAppOptions(db_.options(), &clock_));
    ASSERT_TRUE(app) << app.error().ToString();
    app_ = std::move(*app);
    doc_ = LoadDocument();
  }

  storage::testing::TempDatabase db_{"sqlite"};
  FakeClock clock_;
  std::unique_ptr<App> app_;
  std::unique_ptr<Document> doc_;
};

TEST_F(OpenApiAppTest, EveryDocumentedApiOperationHasARoute) {
  int checked = 0;
  for (const Operation& op : doc_->operations) {
    if (!op.path.starts_with("/api/")) continue;
    const std::string& target = doc_->instances[op.path];
    Response r = app_->Handle(MakeRequest(op.method, target));
    EXPECT_NE(r.status, 405) << op.method << " " << op.path << " (" << target
                             << "): the App takes only " << Header(r, "Allow");
    EXPECT_FALSE(IsCatchAll(r)) << op.method << " " << op.path << " (" << target
                                << "): no route of the App takes it";
    ++checked;
  }
  // The document lists the API (a parse that found nothing would pass).
  EXPECT_GE(checked, 40);
}

TEST_F(OpenApiAppTest, EveryMethodTheAppTakesOnADocumentedPathIsDocumented) {
  for (const std::string& path : doc_->paths) {
    if (!path.starts_with("/api/")) continue;
    const std::string& target = doc_->instances[path];
    // An unknown method gets 405 listing every method some route takes here.
    Response probe = app_->Handle(MakeRequest("BOGUS", target));
    ASSERT_EQ(probe.status, 405) << target;
    std::string allow = Header(probe, "Allow");
    for (std::string_view method : Split(allow, ',')) {
      method = TrimView(method);
      if (method == "HEAD") continue;
      PathParams params;
      if (doc_->router.Match(method, target, params).route != nullptr) continue;
      // A method a route takes here but the document does not list:
      // only the App's JSON 404 for unknown API paths may answer it.
      Response r = app_->Handle(MakeRequest(std::string(method), target));
      EXPECT_TRUE(IsCatchAll(r)) << "the App answers " << method << " " << target << " (path "
                                 << path << ") with " << r.status << " " << Body(r)
                                 << ", the document has no such operation";
    }
  }
}

TEST_F(OpenApiAppTest, EveryApiRouteOfTheAppIsADocumentedPath) {
  std::vector<std::string> documented = doc_->router.Patterns();
  int checked = 0;
  for (const std::string& pattern : app_->RoutePatterns()) {
    if (!pattern.starts_with("/api/")) continue;
    EXPECT_THAT(documented, ::testing::Contains(pattern))
        << "the App routes " << pattern << ", the document has no such path";
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(OpenApiDocumentTest, IsTheCheckedInOpenApi31Document) {
  simdjson::dom::parser parser;
  simdjson::padded_string json(OpenApiDocument());
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS);
  EXPECT_EQ(root["openapi"].get_string().value(), "3.1.0");
  EXPECT_EQ(root["info"]["title"].get_string().value(), "paperpulse");
  EXPECT_EQ(root["paths"]["/api/daily_papers"]["get"]["operationId"].get_string().value(),
            "listDailyPapers");
  EXPECT_EQ(OpenApiDocument().back(), '\n');
}

TEST(OpenApiRouteTest, ServesTheDocumentCacheably) {
  Router router;
  AddOpenApiRoute(router, 1'700'000'000);
  PathParams params;
  RouteMatch match = router.Match("GET", "/openapi.json", params);
  ASSERT_NE(match.route, nullptr);
  EXPECT_TRUE(match.route->nonblocking);
  Response r = match.route->handler(MakeRequest("GET", "/openapi.json"), params);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(Body(r), OpenApiDocument());
  EXPECT_EQ(r.cache, CachePolicy::kRevalidate);
  EXPECT_EQ(Header(r, "Access-Control-Allow-Origin"), "*");
  ASSERT_FALSE(r.etag.empty());

  Request conditional = MakeRequest("GET", "/openapi.json");
  conditional.if_none_match = r.etag;
  Response again = match.route->handler(conditional, params);
  EXPECT_EQ(again.status, 304);

  Request gzip = MakeRequest("GET", "/openapi.json");
  gzip.accept_encoding = "gzip";
  Response gz = match.route->handler(gzip, params);
  EXPECT_TRUE(gz.gzipped);
  EXPECT_LT(gz.body.size(), OpenApiDocument().size());
}

}  // namespace
}  // namespace paperpulse::http
