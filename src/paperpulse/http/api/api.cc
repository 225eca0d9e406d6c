#include "paperpulse/http/api/api.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/http/api/comments_api.h"
#include "paperpulse/http/api/community_api.h"
#include "paperpulse/http/api/hf_json.h"
#include "paperpulse/http/api/library_api.h"
#include "paperpulse/http/api/params.h"
#include "paperpulse/http/api/reading_lists_api.h"
#include "paperpulse/http/api/search_api.h"
#include "paperpulse/http/api/subscriptions_api.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/daily.h"
#include "paperpulse/http/json_writer.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

constexpr int64_t kDefaultLimit = 50;
constexpr int64_t kMaxLimit = 100;
constexpr int64_t kMaxPage = 10000;

Response JsonOk(std::string body) { return MakeResponse(200, "application/json", std::move(body)); }

// The period a /api/daily_papers request asks for; nullopt = the latest day.
// An empty parameter ("?date=") counts as absent, as clients that always
// send every parameter expect.
Result<std::optional<Period>> RequestedPeriod(const Request& req) {
  std::string_view date = TrimView(req.Param("date"));
  std::string_view week = TrimView(req.Param("week"));
  std::string_view month = TrimView(req.Param("month"));
  if (!date.empty() + !week.empty() + !month.empty() > 1) {
    return Fail(ErrorCode::kInvalidArgument, "give only one of date, week, month");
  }
  Result<Period> p = Fail(ErrorCode::kInternal, "unreachable");
  if (!date.empty()) {
    p = DayPeriod(date);
  } else if (!week.empty()) {
    p = WeekPeriod(week);
  } else if (!month.empty()) {
    p = MonthPeriod(month);
  } else {
    return std::optional<Period>();
  }
  if (!p) return tl::unexpected(p.error());
  return std::optional<Period>(*p);
}

// Page `page` of `limit` items of the entries that match `filter`, newest
// day first (`sort` does not apply).
Result<std::string> FilteredDailyPapers(storage::Store& store,
                                        const storage::Store::DailyEntryFilter& filter,
                                        int64_t limit, int64_t page) {
  ASSIGN_OR_RETURN(
      std::vector<DailyItem> items,
      LoadFiltered(store, filter, static_cast<int>(limit), static_cast<int>(page * limit)));
  JsonWriter w;
  w.BeginArray();
  for (const DailyItem& item : items) WriteHfDailyItem(w, item);
  w.EndArray();
  return w.Take();
}

Result<std::string> DailyPapers(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(std::optional<Period> period, RequestedPeriod(req));
  ASSIGN_OR_RETURN(int64_t limit, IntParam(req, "limit", kDefaultLimit, 1, 1000));
  limit = std::min(limit, kMaxLimit);
  ASSIGN_OR_RETURN(int64_t page, IntParam(req, "p", 0, 0, kMaxPage));
  std::string_view sort = req.Param("sort");
  if (!sort.empty() && sort != "publishedAt" && sort != "trending" && sort != "upvotes") {
    return Fail(ErrorCode::kInvalidArgument, "invalid sort: expected publishedAt or trending");
  }
  // HF's filters by account name, exact; empty counts as absent, as for date.
  storage::Store::DailyEntryFilter filter;
  filter.submitter = std::string(TrimView(req.Param("submitter")));
  filter.organization = std::string(TrimView(req.Param("organization")));
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  if (!filter.submitter.empty() || !filter.organization.empty()) {
    // Without a period, across all days (what HF's submitter filter does).
    if (period) {
      filter.from = FormatDate(period->first);
      filter.to = FormatDate(period->last);
    }
    return FilteredDailyPapers(*store, filter, limit, page);
  }
  if (!period) {
    ASSIGN_OR_RETURN(auto latest, LatestDay(*store));
    if (!latest) return std::string("[]");
    period = Period{Period::Kind::kDay, *latest, *latest};
  }
  size_t begin = static_cast<size_t>(page * limit);
  std::vector<DailyItem> items;
  if (sort == "publishedAt") {
    // The order is the papers' own: every paper of the period is read.
    ASSIGN_OR_RETURN(items, LoadPeriod(*store, *period));
    std::stable_sort(items.begin(), items.end(), [](const DailyItem& a, const DailyItem& b) {
      return a.paper.submitted > b.paper.submitted;
    });
    items.erase(items.begin(),
                items.begin() + static_cast<std::ptrdiff_t>(std::min(begin, items.size())));
  } else {
    // Trending: the period's papers in the order of the trending list
    // (daily.h). Only the page's papers are read.
    ASSIGN_OR_RETURN(PeriodSlice slice,
                     LoadPeriodSlice(*store, *period, begin, static_cast<size_t>(limit),
                                     sort == "trending" ? TrendingBefore : nullptr));
    items = std::move(slice.items);
  }
  JsonWriter w;
  w.BeginArray();
  for (size_t i = 0; i < items.size() && i < static_cast<size_t>(limit); ++i) {
    WriteHfDailyItem(w, items[i]);
  }
  w.EndArray();
  return w.Take();
}

Result<std::string> PaperJson(const Context& ctx, std::string_view raw_id) {
  auto id = ParseArxivId(raw_id);
  if (!id)
    return Fail(ErrorCode::kNotFound, "no paper with id " + std::string(raw_id.substr(0, 64)));
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::optional<Paper> paper, store->GetPaper(id->base));
  if (!paper) return Fail(ErrorCode::kNotFound, "no paper with id " + id->base);
  ASSIGN_OR_RETURN(PaperListing listing, LoadPaperListing(*store, id->base));
  JsonWriter w;
  WriteHfPaper(w, *paper, listing);
  return w.Take();
}

// GET /api/papers: every paper, newest arXiv id first, a page at a time.
// The cursor is the last id of the previous page, so paging stays exact
// while papers arrive (Store::PapersNewestFirst).
Result<Response> PaperList(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(int64_t limit, IntParam(req, "limit", kDefaultLimit, 1, kMaxLimit));
  std::string cursor;
  if (std::string_view raw = TrimView(req.Param("cursor")); !raw.empty()) {
    auto id = ParseArxivId(raw);
    if (!id) {
      return Fail(ErrorCode::kInvalidArgument,
                  "invalid cursor: expected the id of a page's last paper (X-Next-Cursor); " +
                      id.error().message);
    }
    cursor = id->base;
  }
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::vector<Paper> papers,
                   store->PapersNewestFirst(cursor, static_cast<int>(limit)));
  JsonWriter w;
  w.BeginArray();
  for (const Paper& paper : papers) {
    ASSIGN_OR_RETURN(PaperListing listing, LoadPaperListing(*store, paper.id));
    WriteHfPaper(w, paper, listing);
  }
  w.EndArray();
  Response r = JsonOk(w.Take());
  // A short page is the last; a full one may be followed by an empty one.
  if (!papers.empty() && papers.size() == static_cast<size_t>(limit)) {
    const std::string& next = papers.back().id;
    std::string link = "<";
    link += WithQuery("/api/papers", {{"cursor", next}, {"limit", std::to_string(limit)}});
    link += ">; rel=\"next\"";
    r.headers.emplace_back("Link", std::move(link));
    r.headers.emplace_back("X-Next-Cursor", next);
  }
  return r;
}

}  // namespace

void AddApiRoutes(Router& router, const Context& ctx) {
  // Before /api/papers/{id...}, which would take "search" (or "x/upvote")
  // for an id.
  AddSearchApiRoutes(router, ctx);
  AddCommunityApiRoutes(router, ctx);
  AddSubscriptionApiRoutes(router, ctx);
  AddLibraryApiRoutes(router, ctx);
  AddCommentApiRoutes(router, ctx);
  AddReadingListApiRoutes(router, ctx);
  router.Add(
      {"api_daily_papers", "/api/daily_papers", [&ctx](const Request& req, const PathParams&) {
         auto body = DailyPapers(ctx, req);
         return body ? JsonOk(std::move(*body)) : JsonErrorResponse(body.error());
       }});
  // "/api/papers" alone is no id: {id...} takes one segment or more.
  router.Add({"api_papers", "/api/papers", [&ctx](const Request& req, const PathParams&) {
                auto r = PaperList(ctx, req);
                return r ? std::move(*r) : JsonErrorResponse(r.error());
              }});
  router.Add({"api_paper", "/api/papers/{id...}", [&ctx](const Request&, const PathParams& params) {
                auto body = PaperJson(ctx, params.Get("id"));
                return body ? JsonOk(std::move(*body)) : JsonErrorResponse(body.error());
              }});
}

void AddJsonRoute(Router& router, std::string name, std::string pattern,
                  std::vector<std::string> methods, JsonRouteFn fn) {
  Route route;
  route.name = std::move(name);
  route.pattern = std::move(pattern);
  route.methods = std::move(methods);
  route.cacheable = false;
  route.handler = [fn = std::move(fn)](const Request& req, const PathParams& params) {
    Result<Response> r = fn(req, params);
    return r ? std::move(*r) : JsonErrorResponse(r.error());
  };
  router.Add(std::move(route));
}

Response NoStoreJson(int status, std::string body) {
  Response r = MakeResponse(status, "application/json", std::move(body));
  r.cache = CachePolicy::kNoStore;
  return r;
}

Result<auth::Principal> ApiWriter(const Context& ctx, storage::Store& store, const Request& req) {
  return auth::RequireWriter(store, req, NowSeconds(ctx), "", ctx.options.base_url);
}

}  // namespace paperpulse::http
