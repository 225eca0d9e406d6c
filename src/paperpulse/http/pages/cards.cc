#include "paperpulse/http/pages/cards.h"

#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// Sets `key` only when `value` is not empty: mustache treats an empty string
// as true, so {{#key}} sections would render for it.
void SetIfAny(TemplateData& data, const std::string& key, std::string value) {
  if (!value.empty()) data.set(key, std::move(value));
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

Result<std::string> RenderCards(const Context& ctx, const TemplateData& cards, bool compact) {
  TemplateData data;
  data.set("cards", cards);
  data.set("full", !compact);
  return ctx.templates.Render("cards", data);
}

}  // namespace paperpulse::http
