#include "paperpulse/http/api/search_api.h"

#include <spdlog/spdlog.h>

#include "paperpulse/http/api/api.h"
#include "paperpulse/http/api/hf_json.h"
#include "paperpulse/http/api/params.h"
#include "paperpulse/http/daily.h"
#include "paperpulse/http/index_status.h"
#include "paperpulse/http/json_writer.h"
#include "paperpulse/search/index.h"

namespace paperpulse::http {
namespace {

constexpr int64_t kDefaultSearchLimit = 20;
constexpr int64_t kDefaultRelatedLimit = 10;

// Index errors as API answers, with the status of status.h. The index's
// kUnavailable means "still being built": its message says so, and a retry
// in a few seconds may succeed.
Response FromSearchError(const Context& ctx, const Error& e) {
  if (e.code != ErrorCode::kUnavailable) return JsonErrorResponse(e);
  std::string progress = IndexBuildSentence(RunningIndexBuild(ctx));
  Response r = JsonError(HttpStatus(e.code), progress.empty() ? e.message : progress);
  r.headers.emplace_back("Retry-After", "5");
  return r;
}

// "phase=full; done=N; total=M; eta=S" for the X-Search-Index header of
// partial answers.
std::string BuildHeader(const Context& ctx) {
  auto build = RunningIndexBuild(ctx);
  if (!build) return "building";
  std::string out = "building; phase=";
  out += search::PhaseName(build->phase);
  out += "; done=" + std::to_string(build->done);
  out += "; total=" + std::to_string(build->total);
  if (build->eta_seconds >= 0) out += "; eta=" + std::to_string(build->eta_seconds);
  return out;
}

Response NoIndex() {
  Response r = JsonError(503, "this server runs without a search index");
  r.cache = CachePolicy::kNoStore;
  return r;
}

// The hits as HF-shaped items (WriteHfSearchItem), each paper read from the
// Store as /api/papers/{id} reads it, so that an item's "paper" is that
// answer. A hit whose paper the Store no longer has is left out.
Result<std::string> ItemsJson(const Context& ctx, const std::vector<search::SearchHit>& hits) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  JsonWriter w;
  w.BeginArray();
  for (const search::SearchHit& h : hits) {
    ASSIGN_OR_RETURN(std::optional<Paper> paper, store->GetPaper(h.id));
    if (!paper) continue;
    ASSIGN_OR_RETURN(PaperListing listing, LoadPaperListing(*store, paper->id));
    WriteHfSearchItem(w, *paper, listing, h.score, h.snippet);
  }
  w.EndArray();
  return w.Take();
}

Response Search(const Context& ctx, const Request& req) {
  if (!ctx.index) return NoIndex();
  std::string_view q = req.Param("q");
  if (q.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return JsonError(400, "missing q: give the words to search for, e.g. ?q=attention");
  }
  search::SearchOptions options;
  auto limit = IntParam(req, "limit", kDefaultSearchLimit, 1, search::kMaxLimit);
  if (!limit) return JsonError(400, limit.error().message);
  auto offset = IntParam(req, "offset", 0, 0, search::kMaxOffset);
  if (!offset) return JsonError(400, offset.error().message);
  options.limit = static_cast<int>(*limit);
  options.offset = static_cast<int>(*offset);
  if (std::string_view sort = req.Param("sort"); !sort.empty()) {
    auto parsed = search::ParseSortOrder(sort);
    if (!parsed) return JsonError(400, parsed.error().message);
    options.sort = *parsed;
  }
  options.from = std::string(req.Param("from"));
  options.to = std::string(req.Param("to"));
  options.category = std::string(req.Param("category"));
  auto results = SearchOrFindId(ctx, q, options);
  if (!results) return FromSearchError(ctx, results.error());
  if (results->partial && results->hits.empty()) {
    // Not an answer yet: the words may be in papers the full index will have.
    std::string progress = IndexBuildSentence(RunningIndexBuild(ctx));
    if (progress.empty()) progress = "The full-text index is being built.";
    Response r = JsonError(503, progress + " " + kPartialSearchNote);
    r.headers.emplace_back("Retry-After", "30");
    r.headers.emplace_back("X-Search-Index", BuildHeader(ctx));
    return r;
  }
  auto body = ItemsJson(ctx, results->hits);
  if (!body) return JsonErrorResponse(body.error());
  Response r = MakeResponse(200, "application/json", std::move(*body));
  if (results->partial) {
    // Found by id, title or author while the full index builds.
    r.headers.emplace_back("X-Search-Index", BuildHeader(ctx));
    r.cache = CachePolicy::kNoStore;
  }
  r.headers.emplace_back("X-Total-Count", std::to_string(results->total_estimate));
  if (!results->did_you_mean.empty()) {
    // Header values must not carry line breaks; the correction is query text.
    std::string dym;
    for (char c : results->did_you_mean) dym.push_back(c == '\r' || c == '\n' ? ' ' : c);
    r.headers.emplace_back("X-Did-You-Mean", std::move(dym));
  }
  return r;
}

Response Related(const Context& ctx, const Request& req, std::string_view id) {
  if (!ctx.index) return NoIndex();
  auto limit = IntParam(req, "limit", kDefaultRelatedLimit, 1, search::kMaxLimit);
  if (!limit) return JsonError(400, limit.error().message);
  auto hits = ctx.index->Related(id, static_cast<int>(*limit));
  if (!hits) return FromSearchError(ctx, hits.error());
  auto body = ItemsJson(ctx, *hits);
  if (!body) return JsonErrorResponse(body.error());
  return MakeResponse(200, "application/json", std::move(*body));
}

}  // namespace

void AddSearchApiRoutes(Router& router, const Context& ctx) {
  router.Add({"api_search", "/api/papers/search",
              [&ctx](const Request& req, const PathParams&) { return Search(ctx, req); }});
  router.Add({"api_related", "/api/papers/{id...}/related",
              [&ctx](const Request& req, const PathParams& params) {
                return Related(ctx, req, params.Get("id"));
              }});
}

}  // namespace paperpulse::http
