// Template data for paper cards, shared by the list, search, author and
// paper pages, and the one template (cards.mustache) that draws them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/context.h"
#include "paperpulse/http/daily.h"
#include "paperpulse/http/templates.h"
#include "paperpulse/search/index.h"

namespace paperpulse::http {

// How many author names a card shows before "et al.".
inline constexpr size_t kCardAuthors = 4;

// A card for a paper listed on a day: title, authors, abstract excerpt,
// upvotes, comments, GitHub and project links when known.
TemplateData DailyCard(const DailyItem& item, bool show_date);

// A card for a search hit (or related paper): title, authors, the
// highlighted snippet (already escaped by the index), upvotes, date and
// categories.
TemplateData SearchCard(const search::SearchHit& hit);

// "1 comment", "2 comments".
std::string CommentsLabel(int64_t n);

// "/authors/Ada%20Lovelace": the author page of `name`.
std::string AuthorPath(std::string_view name);

// Who looks at a card list, for its vote buttons: the form posts to
// /papers/{id}/upvote with the reader's CSRF token (empty for anonymous
// readers, whose post leads to sign-in) and comes back to `next_path`; the
// papers the reader has voted for show as pressed.
struct CardViewer {
  std::string csrf_token;
  std::vector<std::string> voted;  // base ids
  std::string next_path;           // "/papers/date/2026-06-30"
};

// The CardViewer of `req` for `cards`: `viewer` (PageViewer) and the ones
// of the cards' papers they voted for (one Store query). A Store failure
// only loses the pressed state (logged).
CardViewer ViewerOfCards(const Context& ctx, const Request& req,
                         const std::optional<auth::Principal>& viewer, const TemplateData& cards);

// Renders `cards` (a list of DailyCard / SearchCard) as the HTML of a card
// list with vote buttons for `viewer`; `compact` leaves out excerpts and
// snippets (related papers). Errors: kInternal when the template does not
// render.
Result<std::string> RenderCards(const Context& ctx, const TemplateData& cards,
                                const CardViewer& viewer, bool compact = false);

}  // namespace paperpulse::http
