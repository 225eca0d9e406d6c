// Reading lists: named, ordered, shareable collections of papers, shared by
// the JSON API (api/reading_lists_api.cc) and the pages
// (pages/reading_lists.cc).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/context.h"

namespace paperpulse::http {

// The HTML of the "Add to list" control of paper `paper_id` for `viewer`
// (a form that works without JavaScript, naming the viewer's lists; ""
// for anonymous readers), coming back to `next_path`; for the paper page.
std::string AddToListFormHtml(const Context& ctx, const std::optional<auth::Principal>& viewer,
                              std::string_view paper_id, std::string_view next_path);

}  // namespace paperpulse::http
