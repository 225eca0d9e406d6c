#include "paperpulse/http/pages/cards.h"

#include <spdlog/spdlog.h>

#include <unordered_set>

#include "paperpulse/base/url.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// Sets `key` only when `value` is not empty: mustache treats an empty string
// as true, so {{#key}} sections would render for it.
void SetIfAny(TemplateData& data, const std::string& key, const std::string& value) {
  if (!value.empty()) data.set(key, value);
}

}  // namespace

TemplateData DailyCard(const DailyItem& item, bool show_date) {
  const Paper& p = item.paper;
  const DailyEntry& e = item.entry;
  TemplateData card;
  card.set("id", p.id);
  card.set("url", "/papers/" + p.id);
  card.set("title", CleanText(p.title.empty() ? p.id : p.title));
  SetIfAny(card, "authors", CleanText(ShortAuthorList(p.authors, kCardAuthors)));
  SetIfAny(card, "excerpt", CleanText(Excerpt(p.abstract, 360)));
  card.set("upvotes", std::to_string(e.upvotes));
  if (e.num_comments > 0) {
    card.set("comments", std::to_string(e.num_comments));
    card.set("comments_label", CommentsLabel(e.num_comments));
  }
  if (IsHttpUrl(e.github_repo)) {
    card.set("github_repo", e.github_repo);
    if (e.github_stars) card.set("github_stars", std::to_string(*e.github_stars));
  }
  if (IsHttpUrl(e.project_page)) card.set("project_page", e.project_page);
  if (!e.submitted_by.empty()) card.set("submitted_by", CleanText(e.submitted_by));
  if (!e.organization.empty()) {
    card.set("org_href", OrganizationPath(e.organization));
    card.set("org_name",
             CleanText(e.organization_fullname.empty() ? e.organization : e.organization_fullname));
  }
  if (show_date) card.set("date_label", DisplayDate(e.date));
  return card;
}

TemplateData SearchCard(const search::SearchHit& hit) {
  TemplateData card;
  card.set("id", hit.id);
  card.set("url", "/papers/" + hit.id);
  card.set("title", CleanText(hit.title.empty() ? hit.id : hit.title));
  SetIfAny(card, "authors", CleanText(ShortAuthorList(hit.authors, kCardAuthors)));
  // The index escapes the snippet and adds only <mark> around matches.
  if (!hit.snippet.empty()) card.set("snippet", CleanText(hit.snippet));
  card.set("upvotes", std::to_string(hit.upvotes));
  if (!hit.published_at.empty()) card.set("date_label", DisplayDate(hit.published_at));
  if (!hit.categories.empty()) card.set("category", CleanText(hit.categories.front()));
  return card;
}

std::string CommentsLabel(int64_t n) {
  return std::to_string(n) + (n == 1 ? " comment" : " comments");
}

std::string AuthorPath(std::string_view name) { return "/authors/" + UrlEncode(name); }

std::string OrganizationPath(std::string_view name) { return "/papers/org/" + UrlEncode(name); }

CardViewer ViewerOfCards(const Context& ctx, const Request& req,
                         const std::optional<auth::Principal>& viewer, const TemplateData& cards) {
  CardViewer v;
  // With the query: a vote on page 2 of a search comes back to that page.
  v.next_path = req.target.empty() ? req.path : req.target;
  if (!viewer) return v;
  v.csrf_token = viewer->csrf_token;
  std::vector<std::string> ids;
  if (cards.is_list()) {
    for (const TemplateData& card : cards.list_value()) {
      if (const TemplateData* id = card.get("id"); id && id->is_string()) {
        ids.push_back(id->string_value());
      }
    }
  }
  if (ids.empty()) return v;
  auto store = ctx.stores.Acquire();
  if (!store) {
    spdlog::warn("pages: cannot read votes and saved papers: {}", store.error().ToString());
    return v;
  }
  if (auto voted = (*store)->VotedPapers(viewer->account.id, ids)) {
    v.voted = std::move(*voted);
  } else {
    spdlog::warn("pages: cannot read votes: {}", voted.error().ToString());
  }
  if (auto saved = (*store)->SavedPapers(viewer->account.id, ids)) {
    v.saved = std::move(*saved);
  } else {
    spdlog::warn("pages: cannot read saved papers: {}", saved.error().ToString());
  }
  return v;
}

Result<std::string> RenderCards(const Context& ctx, const TemplateData& cards,
                                const CardViewer& viewer, bool compact) {
  TemplateData data;
  if ((viewer.voted.empty() && viewer.saved.empty()) || !cards.is_list()) {
    data.set("cards", cards);
  } else {
    // Mustache data cannot be edited in place: copy, marking voted and
    // saved papers.
    std::unordered_set<std::string> voted(viewer.voted.begin(), viewer.voted.end());
    std::unordered_set<std::string> saved(viewer.saved.begin(), viewer.saved.end());
    TemplateData marked{TemplateData::type::list};
    for (const TemplateData& card : cards.list_value()) {
      TemplateData copy = card;
      const TemplateData* id = card.get("id");
      if (id && id->is_string()) {
        if (voted.count(id->string_value())) copy.set("voted", true);
        if (saved.count(id->string_value())) copy.set("saved", true);
      }
      marked.push_back(copy);
    }
    data.set("cards", marked);
  }
  data.set("full", !compact);
  data.set("viewer_csrf", viewer.csrf_token);
  data.set("next_path", viewer.next_path);
  return ctx.templates.Render("cards", data);
}

}  // namespace paperpulse::http
