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
// upvotes, comments, GitHub and project links and the submitting
// organisation (linked to its page) when known.
TemplateData DailyCard(const DailyItem& item, bool show_date);

// A card for a search hit (or related paper): title, authors, the
// highlighted snippet (already escaped by the index), upvotes, date and
// categories.
TemplateData SearchCard(const search::SearchHit& hit);

// "1 comment", "2 comments".
std::string CommentsLabel(int64_t n);

// "/authors/Ada%20Lovelace": the author page of `name`.
std::string AuthorPath(std::string_view name);

// "/papers/org/Tsinghua": the page of the papers organisation `name` (its
// account name on Hugging Face) submitted.
std::string OrganizationPath(std::string_view name);

// Who looks at a card list, for its vote and save buttons: the forms post
// to /papers/{id}/upvote and /papers/{id}/save with the reader's CSRF token
// (empty for anonymous readers, whose post leads to sign-in) and come back
// to `next_path`; the papers the reader has voted for or saved to their
// library show as pressed.
struct CardViewer {
  std::string csrf_token;
  std::vector<std::string> voted;  // base ids
  std::vector<std::string> saved;  // base ids
  std::string next_path;           // "/search?q=diffusion"
};

// The CardViewer of `req` for `cards`: `viewer` (PageViewer), the page's
// path and query, and the cards' papers they voted for and saved (one Store
// query each). A Store failure only loses a pressed state (logged).
// A card may carry an "entry" (pages/library.cc): the tags, note and edit
// form of the reader's library entry.
CardViewer ViewerOfCards(const Context& ctx, const Request& req,
                         const std::optional<auth::Principal>& viewer, const TemplateData& cards);

// Renders `cards` (a list of DailyCard / SearchCard) as the HTML of a card
// list with vote and save buttons for `viewer`; `compact` leaves out excerpts and
// snippets (related papers). Errors: kInternal when the template does not
// render.
Result<std::string> RenderCards(const Context& ctx, const TemplateData& cards,
                                const CardViewer& viewer, bool compact = false);

}  // namespace paperpulse::http
