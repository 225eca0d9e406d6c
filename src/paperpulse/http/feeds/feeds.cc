#include "paperpulse/http/feeds/feeds.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/http/api/params.h"
#include "paperpulse/http/comments.h"
#include "paperpulse/http/daily.h"
#include "paperpulse/http/feeds/atom.h"
#include "paperpulse/http/markdown.h"
#include "paperpulse/http/status.h"
#include "paperpulse/http/text.h"
#include "paperpulse/search/index.h"

namespace paperpulse::http {
namespace {

constexpr const char* kAtomType = "application/atom+xml; charset=utf-8";
// The daily feed covers this many days up to the latest listed day, so a
// reader polling once a week misses nothing.
constexpr int kDailyDays = 7;
constexpr int64_t kDefaultEntries = 50;
constexpr int64_t kMaxEntries = 100;

// Feed errors are for people pasting a URL into a reader: plain text.
Response TextError(int status, std::string message) {
  message.push_back('\n');
  Response r = MakeResponse(status, "text/plain; charset=utf-8", std::move(message));
  r.cache = CachePolicy::kNoStore;
  return r;
}

// A failed Result as a feed answer, with the status of status.h.
Response FromError(const Error& e) {
  return TextError(HttpStatus(e.code), ClientMessage(e, "feeds"));
}

// The same for feeds answered by the search index, whose kUnavailable means
// its first build is still running: worth saying (a database outage in the
// same feed is worded alike; both are a 503 to retry).
Response FromSearchError(const Error& e) {
  if (e.code != ErrorCode::kUnavailable) return FromError(e);
  return TextError(HttpStatus(e.code),
                   "the search index is not ready yet (first build running); retry later");
}

Response AtomResponse(const AtomFeed& feed) {
  return MakeResponse(200, kAtomType, RenderAtom(feed));
}

std::string PaperPage(const Context& ctx, std::string_view id) {
  std::string url = ctx.options.base_url;
  url += "/papers/";
  url += id;
  return url;
}

// The entry of `paper`; `listed` (a daily entry's timestamp or date) is
// when it appeared on this site, used as `updated` of daily/trending entries.
AtomEntry EntryFor(const Context& ctx, const Paper& paper, std::string_view listed) {
  AtomEntry e;
  e.id = "https://arxiv.org/abs/" + paper.id;
  e.title = paper.title.empty() ? paper.id : paper.title;
  e.link = PaperPage(ctx, paper.id);
  e.related_link = e.id;
  std::string submitted = Rfc3339(paper.submitted, "");
  if (submitted.empty() && !paper.versions.empty()) {
    submitted = Rfc3339(paper.versions.front().date, "");
  }
  e.published = submitted;
  std::string updated = Rfc3339(listed, "");
  if (updated.empty()) updated = Rfc3339(paper.updated, "");
  if (updated.empty()) updated = submitted;
  if (updated.empty()) updated = "1970-01-01T00:00:00Z";
  e.updated = std::move(updated);
  e.authors = paper.authors;
  e.categories = paper.categories;
  e.summary = paper.abstract;
  return e;
}

// A listed paper's entry also links its discussion, with numComments.
AtomEntry EntryFor(const Context& ctx, const DailyItem& item) {
  std::string_view listed = item.entry.submitted_at;
  if (listed.empty()) listed = item.entry.date;
  AtomEntry e = EntryFor(ctx, item.paper, listed);
  e.replies_link = PaperPage(ctx, item.paper.id) + "/comments.atom";
  e.replies_count = item.entry.num_comments;
  return e;
}

AtomEntry CommentEntry(const Context& ctx, const Comment& c) {
  AtomEntry e;
  e.id = ctx.options.base_url + CommentPath(c);
  e.title = (c.parent_id == 0 ? "Comment by " : "Reply by ") + CommentAuthor(c);
  e.link = e.id;
  e.published = Rfc3339(c.created_at);
  e.updated = c.edited_at.empty() ? e.published : Rfc3339(c.edited_at);
  e.authors = {CommentAuthor(c)};
  e.content_html = RenderCommentMarkdown(c.text);
  if (c.parent_id != 0) {
    Comment parent;
    parent.id = c.parent_id;
    parent.paper_id = c.paper_id;
    e.in_reply_to_id = ctx.options.base_url + CommentPath(parent);
    e.in_reply_to_link = e.in_reply_to_id;
  }
  return e;
}

AtomFeed NewFeed(const Context& ctx, const Request& req, std::string title, std::string subtitle,
                 std::string alternate_path) {
  AtomFeed feed;
  // The feed's own URL without the query, plus the query for search feeds:
  // the same request always names the same feed.
  feed.self_link = ctx.options.base_url + req.target;
  feed.id = feed.self_link;
  feed.title = std::move(title);
  feed.subtitle = std::move(subtitle);
  feed.alternate_link = ctx.options.base_url + alternate_path;
  return feed;
}

Result<int64_t> Limit(const Request& req) {
  return IntParam(req, "limit", kDefaultEntries, 1, kMaxEntries);
}

Result<AtomFeed> DailyFeed(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(int64_t limit, Limit(req));
  AtomFeed feed = NewFeed(ctx, req, "paperpulse: daily papers",
                          "Research papers picked and upvoted by the community, day by day", "/");
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auto latest, LatestDay(*store));
  if (!latest) return feed;
  Period week{Period::Kind::kDay, CivilFromDays(DaysFromCivil(*latest) - (kDailyDays - 1)),
              *latest};
  ASSIGN_OR_RETURN(auto items, LoadPeriod(*store, week));
  // Newest list first; within a day, the most upvoted first (LoadPeriod's order).
  std::stable_sort(items.begin(), items.end(), [](const DailyItem& a, const DailyItem& b) {
    return a.entry.date > b.entry.date;
  });
  if (items.size() > static_cast<size_t>(limit)) items.resize(static_cast<size_t>(limit));
  for (const DailyItem& item : items) feed.entries.push_back(EntryFor(ctx, item));
  return feed;
}

Result<AtomFeed> TrendingFeed(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(int64_t limit, Limit(req));
  AtomFeed feed = NewFeed(ctx, req, "paperpulse: trending papers",
                          "Recent papers by upvotes and GitHub stars weighed against age: "
                          "the trending page as a feed",
                          "/papers/trending");
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auto latest, LatestDay(*store));
  if (!latest) return feed;
  ASSIGN_OR_RETURN(auto items, LoadTrending(*store, *latest));
  if (items.size() > static_cast<size_t>(limit)) items.resize(static_cast<size_t>(limit));
  for (const DailyItem& item : items) feed.entries.push_back(EntryFor(ctx, item));
  return feed;
}

// Entries for the hits of `query`, newest first, with full abstracts from the Store.
Status AddSearchEntries(const Context& ctx, std::string_view query, int64_t limit, AtomFeed& feed) {
  search::SearchOptions options;
  options.limit = static_cast<int>(limit);
  options.sort = search::SortOrder::kDate;
  ASSIGN_OR_RETURN(search::SearchResults results, ctx.index->Search(query, options));
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  for (const search::SearchHit& hit : results.hits) {
    ASSIGN_OR_RETURN(std::optional<Paper> paper, store->GetPaper(hit.id));
    if (!paper) continue;  // indexed, then deleted: the index catches up
    feed.entries.push_back(EntryFor(ctx, *paper, {}));
  }
  return Ok();
}

Response SearchUnavailable() {
  return TextError(503, "search is not available: this server runs without a search index");
}

Response SearchFeed(const Context& ctx, const Request& req) {
  std::string q(TrimView(req.Param("q")));
  if (q.empty()) return TextError(400, "missing query: use /feeds/search.atom?q=WORDS");
  if (q.size() > search::kMaxQueryBytes) {
    return TextError(
        400, "query too long: at most " + std::to_string(search::kMaxQueryBytes) + " bytes");
  }
  auto limit = Limit(req);
  if (!limit) return FromError(limit.error());
  if (ctx.index == nullptr) return SearchUnavailable();
  AtomFeed feed = NewFeed(ctx, req, "paperpulse: search \"" + q + "\"",
                          "Newest papers matching the query " + q, "/search?q=" + UrlEncode(q));
  if (Status s = AddSearchEntries(ctx, q, *limit, feed); !s) return FromSearchError(s.error());
  return AtomResponse(feed);
}

Response AuthorFeed(const Context& ctx, const Request& req, std::string_view raw_name) {
  // The name goes into a quoted author:"..." phrase; quotes in it would end
  // the phrase early, and other white space means nothing in a name.
  std::string name;
  for (char c : raw_name) {
    if (c == '"') continue;
    name.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  }
  name = CollapseWhitespace(name);
  if (name.empty()) return TextError(400, "missing author name: use /feeds/authors/NAME.atom");
  if (name.size() > 200) return TextError(400, "author name too long");
  auto limit = Limit(req);
  if (!limit) return FromError(limit.error());
  if (ctx.index == nullptr) return SearchUnavailable();
  AtomFeed feed = NewFeed(ctx, req, "paperpulse: papers by " + name, "Newest papers by " + name,
                          "/authors/" + UrlEncode(name));
  if (Status s = AddSearchEntries(ctx, "author:\"" + name + "\"", *limit, feed); !s) {
    return FromSearchError(s.error());
  }
  return AtomResponse(feed);
}

}  // namespace

Response PaperCommentsFeed(const Context& ctx, const Request& req, std::string_view raw_id) {
  auto limit = Limit(req);
  if (!limit) return FromError(limit.error());
  auto store = ctx.stores.Acquire();
  if (!store) return FromError(store.error());
  auto thread = PaperThread(**store, raw_id, nullptr);
  if (!thread) return FromError(thread.error());
  std::vector<const Comment*> shown;
  for (const ThreadItem& item : *thread) {
    if (!item.placeholder) shown.push_back(&item.comment);
  }
  // Newest first; stored timestamps compare as text.
  std::stable_sort(shown.begin(), shown.end(), [](const Comment* a, const Comment* b) {
    return a->created_at != b->created_at ? a->created_at > b->created_at : a->id > b->id;
  });
  if (shown.size() > static_cast<size_t>(*limit)) shown.resize(static_cast<size_t>(*limit));
  std::string id = ParseArxivId(raw_id)->base;
  auto paper = (*store)->GetPaper(id);
  if (!paper) return FromError(paper.error());
  std::string title = *paper && !(*paper)->title.empty() ? CollapseWhitespace((*paper)->title) : id;
  AtomFeed feed = NewFeed(ctx, req, "paperpulse: comments on " + title,
                          "The discussion of arXiv:" + id + ", newest first", "/papers/" + id);
  for (const Comment* c : shown) feed.entries.push_back(CommentEntry(ctx, *c));
  return AtomResponse(feed);
}

void AddFeedRoutes(Router& router, const Context& ctx) {
  router.Add({"feed_daily", "/feeds/daily.atom", [&ctx](const Request& req, const PathParams&) {
                auto feed = DailyFeed(ctx, req);
                return feed ? AtomResponse(*feed) : FromError(feed.error());
              }});
  router.Add(
      {"feed_trending", "/feeds/trending.atom", [&ctx](const Request& req, const PathParams&) {
         auto feed = TrendingFeed(ctx, req);
         return feed ? AtomResponse(*feed) : FromError(feed.error());
       }});
  router.Add({"feed_search", "/feeds/search.atom",
              [&ctx](const Request& req, const PathParams&) { return SearchFeed(ctx, req); }});
  router.Add({"feed_author", "/feeds/authors/{name...}.atom",
              [&ctx](const Request& req, const PathParams& params) {
                return AuthorFeed(ctx, req, params.Get("name"));
              }});
}

}  // namespace paperpulse::http
