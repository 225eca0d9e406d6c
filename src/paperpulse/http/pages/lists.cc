// The list pages: "/" (the latest day), a day, an ISO week, a month, and
// trending.
#include <spdlog/spdlog.h>

#include "paperpulse/http/api/params.h"
#include "paperpulse/http/daily.h"
#include "paperpulse/http/pages/cards.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/pages/routes.h"
#include "paperpulse/http/text.h"
#include "paperpulse/ranking/trending.h"
#include "paperpulse/ranking/trending_constants.h"

namespace paperpulse::http {
namespace {

using Direction = storage::Store::Direction;

std::string CountLabel(size_t n) {
  std::string s = std::to_string(n);
  s += n == 1 ? " paper" : " papers";
  return s;
}

// The day a "Day" tab should open from `p`: the latest day with entries in
// `p`, or its first day.
CivilDate DayWithin(storage::Store& store, const Period& p) {
  CivilDate after_last = CivilFromDays(DaysFromCivil(p.last) + 1);
  auto d = store.AdjacentDailyDate(FormatDate(after_last), Direction::kBefore);
  if (d && *d) {
    auto day = ParseIsoDate(**d);
    if (day && *day >= p.first) return *day;
  }
  return p.first;
}

// Papers per page of a list: a day fits on one (HF lists ~30-60 a day); a
// month (~1,500) takes pages, ?page=2 and on.
constexpr int64_t kListPageSize = 100;
constexpr int64_t kMaxListPage = 1000;

Response PeriodPage(const Context& ctx, const Request& req, const Period& period, bool is_home) {
  auto page = IntParam(req, "page", 1, 1, kMaxListPage);
  if (!page) return ErrorPage(ctx, 400, page.error().message);
  auto store = ctx.stores.Acquire();
  if (!store) return StoreErrorPage(ctx, store.error());
  auto slice = LoadPeriodSlice(**store, period, static_cast<size_t>((*page - 1) * kListPageSize),
                               static_cast<size_t>(kListPageSize));
  if (!slice) return StoreErrorPage(ctx, slice.error());
  auto prev = AdjacentPeriod(**store, period, Direction::kBefore);
  auto next = AdjacentPeriod(**store, period, Direction::kAfter);
  if (!prev || !next) return StoreErrorPage(ctx, !prev ? prev.error() : next.error());

  TemplateData data;
  std::string label = PeriodLabel(period);
  switch (period.kind) {
    case Period::Kind::kDay:
      data.set("heading", "Daily Papers");
      break;
    case Period::Kind::kWeek:
      data.set("heading", "Papers of the week");
      break;
    case Period::Kind::kMonth:
      data.set("heading", "Papers of the month");
      break;
  }
  data.set("subheading", label);
  data.set("has_periods", true);
  TemplateData tabs{TemplateData::type::list};
  CivilDate day = period.kind == Period::Kind::kDay ? period.first : DayWithin(**store, period);
  for (auto kind : {Period::Kind::kDay, Period::Kind::kWeek, Period::Kind::kMonth}) {
    TemplateData tab;
    tab.set("href", PeriodPath(PeriodContaining(kind, day)));
    tab.set("label", kind == Period::Kind::kDay    ? "Day"
                     : kind == Period::Kind::kWeek ? "Week"
                                                   : "Month");
    tab.set("current", kind == period.kind);
    tabs.push_back(tab);
  }
  data.set("tabs", tabs);
  data.set("has_pager", true);
  if (*prev) {
    data.set("prev_href", PeriodPath(**prev));
    data.set("prev_label", PeriodLabel(**prev));
  }
  if (*next) {
    data.set("next_href", PeriodPath(**next));
    data.set("next_label", PeriodLabel(**next));
  }
  data.set("count_label", CountLabel(slice->total));
  int64_t pages = (static_cast<int64_t>(slice->total) + kListPageSize - 1) / kListPageSize;
  if (pages > 1) {
    data.set("has_pages", true);
    data.set("page_label", "Page " + std::to_string(*page) + " of " + std::to_string(pages));
    auto href = [&](int64_t n) {
      std::string p = std::to_string(n);
      return WithQuery(PeriodPath(period), {{"page", n > 1 ? std::string_view(p) : ""}});
    };
    if (*page > 1) data.set("prev_page_href", href(std::min(*page - 1, pages)));
    if (*page < pages) data.set("next_page_href", href(*page + 1));
  }
  TemplateData cards{TemplateData::type::list};
  for (const DailyItem& item : slice->items) {
    cards.push_back(DailyCard(item, period.kind != Period::Kind::kDay));
  }
  auto viewer = PageViewer(ctx, req);
  CardViewer card_viewer = ViewerOfCards(ctx, req, viewer, cards);
  // The submit box sits on day lists; anonymous readers' posts lead to
  // sign-in first.
  if (period.kind == Period::Kind::kDay) {
    data.set("submit_box", true);
    data.set("viewer_csrf", card_viewer.csrf_token);
  }
  auto cards_html = RenderCards(ctx, cards, card_viewer);
  if (!cards_html) return TemplateErrorPage(cards_html.error());
  data.set("cards_html", *cards_html);
  int status = 200;
  if (slice->total == 0) {
    status = 404;
    data.set("empty_message", "No papers were listed for " + label + ".");
  } else if (slice->items.empty()) {
    status = 404;
    data.set("empty_message", "There is no page " + std::to_string(*page) + " of " + label + ".");
  }
  PageInfo info;
  info.title = is_home ? "Daily Papers" : "Daily Papers · " + label;
  info.description = "Research papers picked and upvoted by the community, " + label + ".";
  info.canonical_path = PeriodPath(period);
  info.feed_url = "/feeds/daily.atom";
  info.feed_title = "paperpulse daily papers";
  info.math = true;
  info.nav = PageInfo::Nav::kDaily;
  info.viewer = std::move(viewer);
  return RenderPage(ctx, status, "list", std::move(data), info);
}

Response Home(const Context& ctx, const Request& req) {
  auto store = ctx.stores.Acquire();
  if (!store) return StoreErrorPage(ctx, store.error());
  auto latest = LatestDay(**store);
  if (!latest) return StoreErrorPage(ctx, latest.error());
  if (!*latest) {
    TemplateData data;
    data.set("heading", "Daily Papers");
    data.set("empty_message",
             "No papers yet. Import some with `paperpulse import` and they appear here.");
    PageInfo info;
    info.title = "Daily Papers";
    info.nav = PageInfo::Nav::kDaily;
    info.viewer = PageViewer(ctx, req);
    data.set("submit_box", true);
    if (info.viewer) data.set("viewer_csrf", info.viewer->csrf_token);
    return RenderPage(ctx, 200, "list", std::move(data), info);
  }
  return PeriodPage(ctx, req, {Period::Kind::kDay, **latest, **latest}, /*is_home=*/true);
}

Response Trending(const Context& ctx, const Request& req) {
  auto store = ctx.stores.Acquire();
  if (!store) return StoreErrorPage(ctx, store.error());
  auto latest = LatestDay(**store);
  if (!latest) return StoreErrorPage(ctx, latest.error());
  std::vector<DailyItem> items;
  // Ages count to the latest list: the day the ranking is as of.
  std::string as_of;
  if (*latest) {
    as_of = FormatDate(**latest);
    auto loaded = LoadTrending(**store, **latest);
    if (!loaded) return StoreErrorPage(ctx, loaded.error());
    items = std::move(*loaded);
  }
  TemplateData data;
  data.set("heading", "Trending papers");
  data.set("subheading", "Papers of the last " + std::to_string(ranking::kTrendingWindowDays) +
                             " days by upvotes and GitHub stars, weighed against age");
  TemplateData cards{TemplateData::type::list};
  for (const DailyItem& item : items) {
    TemplateData card = DailyCard(item, /*show_date=*/true);
    card.set("why", ranking::ExplainTrending(ranking::InputsOf(item.entry), as_of));
    cards.push_back(card);
  }
  auto viewer = PageViewer(ctx, req);
  auto cards_html = RenderCards(ctx, cards, ViewerOfCards(ctx, req, viewer, cards));
  if (!cards_html) return TemplateErrorPage(cards_html.error());
  data.set("cards_html", *cards_html);
  if (items.empty()) data.set("empty_message", "Nothing is trending yet.");
  PageInfo info;
  info.title = "Trending papers";
  info.canonical_path = "/papers/trending";
  info.feed_url = "/feeds/trending.atom";
  info.feed_title = "paperpulse trending papers";
  info.math = true;
  info.nav = PageInfo::Nav::kTrending;
  info.viewer = std::move(viewer);
  return RenderPage(ctx, 200, "list", std::move(data), info);
}

// A route for one kind of period: parses the parameter, 400 when invalid.
RouteHandler PeriodRoute(const Context& ctx, Result<Period> (*parse)(std::string_view)) {
  return [&ctx, parse](const Request& req, const PathParams& params) {
    auto period = parse(params.Get("p"));
    if (!period) return ErrorPage(ctx, 400, period.error().message);
    return PeriodPage(ctx, req, *period, /*is_home=*/false);
  };
}

}  // namespace

void AddListRoutes(Router& router, const Context& ctx) {
  router.Add(
      {"home", "/", [&ctx](const Request& req, const PathParams&) { return Home(ctx, req); }});
  router.Add({"day", "/papers/date/{p}", PeriodRoute(ctx, DayPeriod)});
  router.Add({"week", "/papers/week/{p}", PeriodRoute(ctx, WeekPeriod)});
  router.Add({"month", "/papers/month/{p}", PeriodRoute(ctx, MonthPeriod)});
  router.Add({"trending", "/papers/trending",
              [&ctx](const Request& req, const PathParams&) { return Trending(ctx, req); }});
}

}  // namespace paperpulse::http
