#include "paperpulse/http/pages/cards.h"

#include "paperpulse/http/text.h"

namespace paperpulse::http {

TemplateData DailyCard(const DailyItem& item, bool show_date) {
  const Paper& p = item.paper;
  const DailyEntry& e = item.entry;
  TemplateData card;
  card.set("id", p.id);
  card.set("url", "/papers/" + p.id);
  card.set("title", CleanText(p.title.empty() ? p.id : p.title));
  card.set("authors", CleanText(ShortAuthorList(p.authors, kCardAuthors)));
  card.set("excerpt", CleanText(Excerpt(p.abstract, 360)));
  card.set("upvotes", std::to_string(e.upvotes));
  if (e.num_comments > 0) card.set("comments", std::to_string(e.num_comments));
  if (IsHttpUrl(e.github_repo)) {
    card.set("github_repo", e.github_repo);
    if (e.github_stars) card.set("github_stars", std::to_string(*e.github_stars));
  }
  if (IsHttpUrl(e.project_page)) card.set("project_page", e.project_page);
  if (!e.submitted_by.empty()) card.set("submitted_by", CleanText(e.submitted_by));
  if (show_date) card.set("date_label", DisplayDate(e.date));
  return card;
}

}  // namespace paperpulse::http
