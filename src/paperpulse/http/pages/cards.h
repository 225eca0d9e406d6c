// Template data for paper cards, shared by the list, search and author pages.
#pragma once

#include "paperpulse/http/daily.h"
#include "paperpulse/http/templates.h"

namespace paperpulse::http {

// How many author names a card shows before "et al.".
inline constexpr size_t kCardAuthors = 4;

// A card for a paper listed on a day: title, authors, abstract excerpt,
// upvotes, comments, GitHub and project links when known.
TemplateData DailyCard(const DailyItem& item, bool show_date);

}  // namespace paperpulse::http
