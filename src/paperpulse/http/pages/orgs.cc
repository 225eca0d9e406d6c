// Organisation pages ("/papers/org/{name}"): the papers an organisation
// (its account name on Hugging Face, as the daily lists carry it) submitted,
// newest day first.
#include <spdlog/spdlog.h>

#include "paperpulse/http/api/params.h"
#include "paperpulse/http/daily.h"
#include "paperpulse/http/pages/cards.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/pages/routes.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

constexpr int kPageSize = 30;
// Deeper pages cost the Store a long skip and no reader pages that far.
constexpr int64_t kMaxPage = 1000;
// Hugging Face account names are short; longer ones name no organisation.
constexpr size_t kMaxNameBytes = 200;

Response OrganizationPage(const Context& ctx, const Request& req, std::string_view raw_name) {
  std::string name = CleanText(raw_name);
  if (name.empty() || name.size() > kMaxNameBytes) {
    return ErrorPage(ctx, 404, "There is no organisation page at this address.");
  }
  auto page = IntParam(req, "page", 1, 1, kMaxPage);
  if (!page) return ErrorPage(ctx, 400, page.error().message);
  auto store = ctx.stores.Acquire();
  if (!store) return StoreErrorPage(ctx, store.error());
  storage::Store::DailyEntryFilter filter;
  filter.organization = name;
  // One more than a page: whether an older page exists.
  auto items =
      LoadFiltered(**store, filter, kPageSize + 1, static_cast<int>((*page - 1) * kPageSize));
  if (!items) return StoreErrorPage(ctx, items.error());
  if (items->empty()) {
    return ErrorPage(ctx, 404,
                     *page == 1 ? "No papers of the organisation “" + name + "” are listed here."
                                : "There are not that many pages of “" + name + "”.");
  }
  bool has_older = items->size() > static_cast<size_t>(kPageSize);
  if (has_older) items->pop_back();

  std::string fullname;
  TemplateData cards{TemplateData::type::list};
  for (const DailyItem& item : *items) {
    if (fullname.empty()) fullname = item.entry.organization_fullname;
    cards.push_back(DailyCard(item, /*show_date=*/true));
  }
  std::string shown = CleanText(fullname.empty() ? name : fullname);

  auto viewer = PageViewer(ctx, req);
  auto html = RenderCards(ctx, cards, ViewerOfCards(ctx, req, viewer, cards));
  if (!html) return TemplateErrorPage(html.error());
  TemplateData data;
  data.set("fullname", shown);
  data.set("name", name);
  data.set("hf_url", "https://huggingface.co/" + UrlEncode(name));
  data.set("cards_html", *html);
  std::string base = OrganizationPath(name);
  if (*page > 1 || has_older) {
    data.set("has_pager", true);
    data.set("page_label", "Page " + std::to_string(*page));
    if (*page > 1) {
      data.set("prev_href", *page == 2 ? base : base + "?page=" + std::to_string(*page - 1));
    }
    if (has_older) data.set("next_href", base + "?page=" + std::to_string(*page + 1));
  }
  PageInfo info;
  info.title = shown;
  info.description = "Papers submitted by " + shown + " to the daily lists.";
  info.canonical_path = *page == 1 ? base : base + "?page=" + std::to_string(*page);
  info.math = true;
  info.nav = PageInfo::Nav::kDaily;
  info.viewer = std::move(viewer);
  return RenderPage(ctx, 200, "organization", std::move(data), info);
}

}  // namespace

void AddOrganizationRoutes(Router& router, const Context& ctx) {
  router.Add(
      {"organization", "/papers/org/{name}", [&ctx](const Request& req, const PathParams& params) {
         return OrganizationPage(ctx, req, params.Get("name"));
       }});
}

}  // namespace paperpulse::http
