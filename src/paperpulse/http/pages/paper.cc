// The paper page ("/papers/{id}") and its BibTeX ("/papers/{id}/bibtex").
#include <spdlog/spdlog.h>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/http/pages/bibtex.h"
#include "paperpulse/http/pages/cards.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/pages/routes.h"
#include "paperpulse/http/status.h"
#include "paperpulse/http/text.h"
#include "paperpulse/search/index.h"

namespace paperpulse::http {
namespace {

constexpr int kRelated = 6;

struct LoadedPaper {
  Paper paper;
  std::vector<DailyEntry> entries;  // newest first
  std::optional<PaperPopularity> popularity;
};

// The paper named by `raw_id`; nullopt when the id is malformed or unknown.
Result<std::optional<LoadedPaper>> LoadPaper(const Context& ctx, std::string_view raw_id) {
  auto id = ParseArxivId(raw_id);
  if (!id) return std::optional<LoadedPaper>();
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::optional<Paper> paper, store->GetPaper(id->base));
  if (!paper) return std::optional<LoadedPaper>();
  ASSIGN_OR_RETURN(auto entries, store->DailyEntriesForPaper(id->base));
  ASSIGN_OR_RETURN(auto popularity, store->GetPopularity(id->base));
  return std::optional<LoadedPaper>(
      LoadedPaper{std::move(*paper), std::move(entries), std::move(popularity)});
}

Response NoSuchPaper(const Context& ctx, std::string_view raw_id) {
  std::string shown(raw_id.substr(0, 80));
  auto id = ParseArxivId(raw_id);
  std::string message = id ? "There is no paper " + id->base + " here (yet)."
                           : "\"" + shown + "\" is not an arXiv id.";
  return ErrorPage(ctx, 404, message, CleanText(id ? id->base : shown));
}

void SetIfAny(TemplateData& data, const std::string& key, std::string value) {
  if (!value.empty()) data.set(key, std::move(value));
}

std::string SearchPath(std::string_view query) { return "/search?q=" + UrlEncode(query); }

// Community data over all the days the paper was listed: the best upvote
// count and the newest known links.
void AddCommunity(TemplateData& data, const std::vector<DailyEntry>& entries,
                  const std::optional<PaperPopularity>& popularity) {
  int64_t upvotes = 0, comments = 0;
  std::string github, project;
  std::optional<int64_t> stars;
  TemplateData days{TemplateData::type::list};
  for (const DailyEntry& e : entries) {  // newest first
    upvotes = std::max(upvotes, e.upvotes);
    comments = std::max(comments, e.num_comments);
    if (github.empty() && IsHttpUrl(e.github_repo)) {
      github = e.github_repo;
      stars = e.github_stars;
    }
    if (project.empty() && IsHttpUrl(e.project_page)) project = e.project_page;
    auto day = ParseIsoDate(e.date);
    if (!day) continue;
    TemplateData d;
    d.set("href", PeriodPath({Period::Kind::kDay, *day, *day}));
    d.set("label", DisplayDate(e.date));
    if (!e.submitted_by.empty()) d.set("by", CleanText(e.submitted_by));
    days.push_back(d);
  }
  // Votes cast here count even for a paper on no list.
  if (popularity) upvotes = std::max(upvotes, popularity->upvotes());
  data.set("upvotes", std::to_string(upvotes));
  if (comments > 0) data.set("comments_label", CommentsLabel(comments));
  if (!github.empty()) {
    data.set("github_repo", github);
    if (stars) data.set("github_stars", std::to_string(*stars));
  }
  if (!project.empty()) data.set("project_page", project);
  if (!entries.empty()) data.set("listed", days);
}

void AddVersions(TemplateData& data, const Paper& p) {
  TemplateData versions{TemplateData::type::list};
  for (const PaperVersion& v : p.versions) {
    TemplateData d;
    // Built by appending: GCC 12 misreports "v" + std::to_string() as an
    // overlapping memcpy (-Wrestrict, GCC bug 105329).
    std::string number = "v";
    number += std::to_string(v.number);
    d.set("href", "https://arxiv.org/abs/" + p.id + number);
    d.set("number", number);
    SetIfAny(d, "date", DisplayDate(v.date));
    SetIfAny(d, "size", CleanText(v.size));
    versions.push_back(d);
  }
  if (!p.versions.empty()) {
    data.set("versions", versions);
    data.set("has_versions", true);
  }
}

// Related papers from the search index. The page shows without them when
// there is no index or it cannot answer.
void AddRelated(const Context& ctx, TemplateData& data, const Paper& p, const Request& req,
                const std::optional<auth::Principal>& viewer) {
  if (ctx.index == nullptr) return;
  auto related = ctx.index->Related(p.id, kRelated);
  if (!related) {
    if (related.error().code == ErrorCode::kUnavailable) {
      data.set("related_message", "Related papers appear once the search index is built.");
    } else if (related.error().code != ErrorCode::kNotFound) {
      spdlog::warn("pages: related papers of {}: {}", p.id, related.error().ToString());
    }
    return;
  }
  if (related->empty()) return;
  TemplateData cards{TemplateData::type::list};
  for (const auto& hit : *related) cards.push_back(SearchCard(hit));
  auto html = RenderCards(ctx, cards, ViewerOfCards(ctx, req, viewer, cards), /*compact=*/true);
  if (!html) {
    spdlog::error("pages: {}", html.error().ToString());
    return;
  }
  data.set("related_html", *html);
}

Response PaperPage(const Context& ctx, const Request& req, std::string_view raw_id) {
  auto loaded = LoadPaper(ctx, raw_id);
  if (!loaded) return StoreErrorPage(ctx, loaded.error());
  if (!*loaded) return NoSuchPaper(ctx, raw_id);
  const Paper& p = (*loaded)->paper;

  TemplateData data;
  std::string title = CleanText(p.title.empty() ? p.id : p.title);
  data.set("id", p.id);
  data.set("title", title);
  SetIfAny(data, "abstract", CleanText(p.abstract));
  TemplateData authors{TemplateData::type::list};
  for (size_t i = 0; i < p.authors.size(); ++i) {
    TemplateData a;
    a.set("name", CleanText(p.authors[i]));
    a.set("href", AuthorPath(p.authors[i]));
    a.set("last", i + 1 == p.authors.size());
    authors.push_back(a);
  }
  if (!p.authors.empty()) data.set("authors", authors);
  data.set("abs_url", "https://arxiv.org/abs/" + p.id);
  data.set("pdf_url", "https://arxiv.org/pdf/" + p.id);
  data.set("bibtex_url", "/papers/" + p.id + "/bibtex");
  data.set("bibtex", CleanText(Bibtex(p)));
  data.set("api_url", "/api/papers/" + p.id);
  SetIfAny(data, "submitted", DisplayDate(p.submitted));
  if (!p.updated.empty() && p.updated.substr(0, 10) != p.submitted.substr(0, 10)) {
    data.set("updated", DisplayDate(p.updated));
  }
  TemplateData cats{TemplateData::type::list};
  for (size_t i = 0; i < p.categories.size(); ++i) {
    TemplateData c;
    c.set("name", CleanText(p.categories[i]));
    c.set("href", SearchPath("cat:" + p.categories[i]));
    c.set("primary", i == 0);
    cats.push_back(c);
  }
  if (!p.categories.empty()) {
    data.set("categories", cats);
    data.set("has_categories", true);
  }
  SetIfAny(data, "arxiv_comments", CleanText(p.comments));
  SetIfAny(data, "journal_ref", CleanText(p.journal_ref));
  if (!p.doi.empty()) {
    data.set("doi", CleanText(p.doi));
    std::string url = "https://doi.org/" + p.doi;
    if (IsHttpUrl(url)) data.set("doi_url", url);
  }
  if (IsHttpUrl(p.license)) {
    data.set("license_url", p.license);
  } else {
    SetIfAny(data, "license", CleanText(p.license));
  }
  AddCommunity(data, (*loaded)->entries, (*loaded)->popularity);
  AddVersions(data, p);
  auto viewer = PageViewer(ctx, req);
  // The big vote button is a one-card list's button: same form, same state.
  TemplateData self{TemplateData::type::list};
  TemplateData self_card;
  self_card.set("id", p.id);
  self.push_back(self_card);
  CardViewer vote = ViewerOfCards(ctx, req, viewer, self);
  data.set("viewer_csrf", vote.csrf_token);
  data.set("next_path", vote.next_path);
  data.set("voted", !vote.voted.empty());
  AddRelated(ctx, data, p, req, viewer);

  PageInfo info;
  info.title = title;
  info.description = CleanText(Excerpt(p.abstract, 200));
  info.canonical_path = "/papers/" + p.id;
  info.math = true;
  info.viewer = std::move(viewer);
  return RenderPage(ctx, 200, "paper", std::move(data), info);
}

Response BibtexPage(const Context& ctx, std::string_view raw_id) {
  auto loaded = LoadPaper(ctx, raw_id);
  if (!loaded) {
    return MakeResponse(HttpStatus(loaded.error().code), "text/plain; charset=utf-8",
                        ClientMessage(loaded.error(), "pages") + "\n");
  }
  if (!*loaded) {
    return MakeResponse(404, "text/plain; charset=utf-8", "no such paper\n");
  }
  return MakeResponse(200, "text/plain; charset=utf-8", CleanText(Bibtex((*loaded)->paper)));
}

}  // namespace

void AddPaperRoutes(Router& router, const Context& ctx) {
  router.Add(
      {"paper_bibtex", "/papers/{id...}/bibtex", [&ctx](const Request&, const PathParams& params) {
         return BibtexPage(ctx, params.Get("id"));
       }});
  router.Add({"paper", "/papers/{id...}", [&ctx](const Request& req, const PathParams& params) {
                return PaperPage(ctx, req, params.Get("id"));
              }});
}

}  // namespace paperpulse::http
