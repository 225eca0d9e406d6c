// The search page ("/search?q=") and author pages ("/authors/{name}"), both
// answered by the search index.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "paperpulse/base/strings.h"
#include "paperpulse/http/api/params.h"
#include "paperpulse/http/index_status.h"
#include "paperpulse/http/pages/cards.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/pages/routes.h"
#include "paperpulse/http/status.h"
#include "paperpulse/http/text.h"
#include "paperpulse/search/index.h"

namespace paperpulse::http {
namespace {

constexpr int kPageSize = 20;
constexpr int64_t kMaxPage = search::kMaxOffset / kPageSize + 1;
// Longer names are not names; the index rejects long queries anyway.
constexpr size_t kMaxAuthorBytes = 200;

struct SortChoice {
  std::string_view value;
  std::string_view label;
};
constexpr SortChoice kSorts[] = {{"relevance", "Best match"},
                                 {"date", "Newest"},
                                 {"upvotes", "Most upvoted"},
                                 {"trending", "Trending"}};

// Shortcuts shown under the search box: the busiest arXiv categories of
// community-picked papers.
constexpr std::string_view kCategoryShortcuts[] = {"cs.CL", "cs.CV", "cs.LG",
                                                   "cs.AI", "cs.RO", "stat.ML"};

Response SearchUnavailable(const Context& ctx, std::string_view query) {
  return ErrorPage(ctx, 503,
                   "Search is unavailable: this server runs without a search index. The daily "
                   "lists and paper pages still work.",
                   query);
}

// Maps an index error to a page with the status of status.h: the user's
// mistake (400) is usually handled by the caller; the index's kUnavailable
// means its first build is running; other 5xx are logged.
Response IndexError(const Context& ctx, const Error& e, std::string_view query) {
  int status = HttpStatus(e.code);
  if (e.code == ErrorCode::kUnavailable) {
    std::string progress = IndexBuildSentence(RunningIndexBuild(ctx));
    if (progress.empty()) progress = "The search index is still being built.";
    Response r = ErrorPage(ctx, status, progress + " Please try again in a minute.", query);
    r.headers.emplace_back("Retry-After", "30");
    return r;
  }
  if (status < 500) return ErrorPage(ctx, status, e.message, query);
  spdlog::error("pages: search: {}", e.ToString());
  return ErrorPage(ctx, status, "Search is not answering right now. Please try again shortly.",
                   query);
}

std::string CountLabel(int64_t n, bool estimate) {
  std::string s = estimate ? "about " : "";
  s += std::to_string(n);
  s += n == 1 ? " result" : " results";
  return s;
}

Response SearchPage(const Context& ctx, const Request& req) {
  std::string q = CleanText(TrimView(req.Param("q")));
  std::string sort_param = CleanText(req.Param("sort"));
  std::string cat = CleanText(TrimView(req.Param("cat")));
  std::string from = CleanText(TrimView(req.Param("from")));
  std::string to = CleanText(TrimView(req.Param("to")));

  TemplateData data;
  data.set("q", q);
  data.set("cat", cat);
  data.set("from", from);
  data.set("to", to);
  TemplateData sorts{TemplateData::type::list};
  for (const SortChoice& s : kSorts) {
    TemplateData d;
    d.set("value", std::string(s.value));
    d.set("label", std::string(s.label));
    d.set("selected", s.value == sort_param || (sort_param.empty() && s.value == "relevance"));
    sorts.push_back(d);
  }
  data.set("sorts", sorts);
  TemplateData shortcuts{TemplateData::type::list};
  for (std::string_view c : kCategoryShortcuts) {
    TemplateData d;
    d.set("name", std::string(c));
    d.set("href", WithQuery("/search", {{"q", q}, {"sort", sort_param}, {"cat", c}}));
    d.set("current", c == cat);
    shortcuts.push_back(d);
  }
  data.set("shortcuts", shortcuts);
  if (!cat.empty())
    data.set("clear_cat_href", WithQuery("/search", {{"q", q}, {"sort", sort_param}}));

  PageInfo info;
  info.query = q;
  info.math = true;
  info.header_search = false;
  info.nav = PageInfo::Nav::kSearch;
  info.title = q.empty() ? "Search" : "Search: " + q;
  auto render = [&](int status) {
    return RenderPage(ctx, status, "search", std::move(data), info);
  };

  if (q.empty()) {
    data.set("intro", true);
    return render(200);
  }
  if (ctx.index == nullptr) return SearchUnavailable(ctx, q);

  search::SearchOptions options;
  options.limit = kPageSize;
  options.category = cat;
  options.from = from;
  options.to = to;
  // The user's own mistakes (bad page, sort, date, category or query
  // syntax) keep the form, with the message above it.
  auto bad_request = [&](const Error& e) {
    std::string message = CleanText(e.message);
    if (!message.empty() && message[0] >= 'a' && message[0] <= 'z') message[0] -= 'a' - 'A';
    data.set("error", message);
    return render(400);
  };
  auto page = IntParam(req, "page", 1, 1, kMaxPage);
  if (!page) return bad_request(page.error());
  Result<search::SortOrder> sort =
      sort_param.empty() ? search::SortOrder::kRelevance : search::ParseSortOrder(sort_param);
  if (!sort) return bad_request(sort.error());
  options.offset = static_cast<int>((*page - 1) * kPageSize);
  options.sort = *sort;
  auto results = SearchOrFindId(ctx, q, options);
  if (!results) {
    if (results.error().code == ErrorCode::kInvalidArgument) return bad_request(results.error());
    return IndexError(ctx, results.error(), q);
  }

  TemplateData cards{TemplateData::type::list};
  for (const auto& hit : results->hits) cards.push_back(SearchCard(hit));
  info.viewer = PageViewer(ctx, req);
  auto html = RenderCards(ctx, cards, ViewerOfCards(ctx, req, info.viewer, cards));
  if (!html) return TemplateErrorPage(html.error());
  data.set("cards_html", *html);
  // The "save as alert" form: the category filter joins the query, and a
  // signed-in reader saves it in one click.
  data.set("alert_query", cat.empty() ? q : q + " cat:" + cat);
  if (info.viewer && !info.viewer->csrf_token.empty()) {
    data.set("csrf_token", info.viewer->csrf_token);
  }
  int64_t total = std::max<int64_t>(results->total_estimate,
                                    options.offset + static_cast<int64_t>(results->hits.size()));
  // A miss while the index builds is no count: no "0 results" heading, no
  // alert form (the empty message says why).
  if (!results->partial || !results->hits.empty()) {
    data.set("count_label", CountLabel(total, total > 100));
  }
  if (!results->did_you_mean.empty()) {
    data.set("did_you_mean", CleanText(results->did_you_mean));
    data.set("did_you_mean_href", WithQuery("/search", {{"q", results->did_you_mean},
                                                        {"sort", sort_param},
                                                        {"cat", cat},
                                                        {"from", from},
                                                        {"to", to}}));
  }
  int status = 200;
  if (results->partial) {
    // The first full build is running: say so, and how long it will take.
    std::string progress = IndexBuildSentence(RunningIndexBuild(ctx));
    data.set("building", progress.empty() ? "The full-text index is being built." : progress);
    data.set("building_note", std::string(kPartialSearchNote));
  }
  if (results->hits.empty()) {
    data.set("empty_message", "No papers match “" + q + "”.");
    if (results->partial) {
      // Not a real "nothing": a client should come back.
      data.set("empty_message", "Nothing found by id, title or author yet for “" + q +
                                    "”. Full-text results appear when the index is ready.");
      status = 503;
    }
  }
  int64_t last_page = std::min<int64_t>(kMaxPage, (total + kPageSize - 1) / kPageSize);
  if (*page > 1 || *page < last_page) {
    data.set("has_pager", true);
    data.set("page_label", "Page " + std::to_string(*page) + " of " + std::to_string(last_page));
    auto href = [&](int64_t n) {
      std::string p = std::to_string(n);
      return WithQuery("/search", {{"q", q},
                                   {"sort", sort_param},
                                   {"cat", cat},
                                   {"from", from},
                                   {"to", to},
                                   {"page", n > 1 ? std::string_view(p) : std::string_view()}});
    };
    if (*page > 1) data.set("prev_href", href(*page - 1));
    if (*page < last_page) data.set("next_href", href(*page + 1));
  }
  Response r = render(status);
  if (status == 503) r.headers.emplace_back("Retry-After", "30");
  // Partial answers change as the build goes on: not for any cache.
  if (results->partial) r.cache = CachePolicy::kNoStore;
  return r;
}

Response AuthorPage(const Context& ctx, const Request& req, std::string_view raw_name) {
  std::string name = CollapseWhitespace(CleanText(raw_name));
  // A double quote would end the phrase of the author: query.
  std::replace(name.begin(), name.end(), '"', ' ');
  name = CollapseWhitespace(name);
  if (name.empty() || name.size() > kMaxAuthorBytes) {
    return ErrorPage(ctx, 404, "There is no author page at this address.");
  }
  std::string query = "author:\"" + name + "\"";
  if (ctx.index == nullptr) return SearchUnavailable(ctx, query);
  auto page = IntParam(req, "page", 1, 1, kMaxPage);
  if (!page) return ErrorPage(ctx, 400, page.error().message, query);

  search::SearchOptions options;
  options.limit = kPageSize;
  options.offset = static_cast<int>((*page - 1) * kPageSize);
  options.sort = search::SortOrder::kDate;
  auto results = ctx.index->Search(query, options);
  if (!results) {
    if (results.error().code == ErrorCode::kInvalidArgument) {
      return ErrorPage(ctx, 404, "No papers by “" + name + "” were found.", query);
    }
    return IndexError(ctx, results.error(), query);
  }
  if (results->hits.empty()) {
    if (results->partial) {
      return IndexError(ctx, Error{ErrorCode::kUnavailable, "building"}, query);
    }
    return ErrorPage(ctx, 404, "No papers by “" + name + "” were found.", query);
  }
  TemplateData cards{TemplateData::type::list};
  for (const auto& hit : results->hits) cards.push_back(SearchCard(hit));
  auto viewer = PageViewer(ctx, req);
  auto html = RenderCards(ctx, cards, ViewerOfCards(ctx, req, viewer, cards));
  if (!html) return TemplateErrorPage(html.error());

  TemplateData data;
  data.set("name", name);
  data.set("cards_html", *html);
  int64_t total = std::max<int64_t>(results->total_estimate,
                                    options.offset + static_cast<int64_t>(results->hits.size()));
  data.set("count_label", std::to_string(total) + (total == 1 ? " paper" : " papers"));
  data.set("search_href", WithQuery("/search", {{"q", query}}));
  int64_t last_page = std::min<int64_t>(kMaxPage, (total + kPageSize - 1) / kPageSize);
  if (*page > 1 || *page < last_page) {
    data.set("has_pager", true);
    data.set("page_label", "Page " + std::to_string(*page) + " of " + std::to_string(last_page));
    std::string base = AuthorPath(name);
    if (*page > 1) {
      data.set("prev_href", *page == 2 ? base : base + "?page=" + std::to_string(*page - 1));
    }
    if (*page < last_page) data.set("next_href", base + "?page=" + std::to_string(*page + 1));
  }
  PageInfo info;
  info.title = name;
  info.description = "Papers by " + name + ".";
  info.canonical_path = AuthorPath(name);
  info.math = true;
  info.viewer = std::move(viewer);
  if (results->partial) {
    std::string progress = IndexBuildSentence(RunningIndexBuild(ctx));
    data.set("building", progress.empty() ? "The full-text index is being built." : progress);
  }
  Response r = RenderPage(ctx, 200, "author", std::move(data), info);
  if (results->partial) r.cache = CachePolicy::kNoStore;
  return r;
}

}  // namespace

void AddSearchRoutes(Router& router, const Context& ctx) {
  router.Add({"search", "/search",
              [&ctx](const Request& req, const PathParams&) { return SearchPage(ctx, req); }});
  router.Add({"author", "/authors/{name...}", [&ctx](const Request& req, const PathParams& params) {
                return AuthorPage(ctx, req, params.Get("name"));
              }});
}

}  // namespace paperpulse::http
