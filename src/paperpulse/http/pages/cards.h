// Template data for paper cards, shared by the list, search, author and
// paper pages, and the one template (cards.mustache) that draws them.
#pragma once

#include <string>
#include <vector>

#include "paperpulse/base/result.h"
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

// Renders `cards` (a list of DailyCard / SearchCard) as the HTML of a card
// list; `compact` leaves out excerpts and snippets (related papers).
// Errors: kInternal when the template does not render.
Result<std::string> RenderCards(const Context& ctx, const TemplateData& cards,
                                bool compact = false);

}  // namespace paperpulse::http
