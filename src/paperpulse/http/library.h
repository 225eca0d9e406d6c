// Personal libraries: saving papers with tags and a note, shared by the JSON
// API (api/library_api.cc) and the pages (pages/library.cc).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/context.h"

namespace paperpulse::http {

// The HTML of the "Save" control of paper `paper_id` for `viewer` (a form
// that works without JavaScript; anonymous readers are led to sign in and
// back to `next_path`), for the paper page.
std::string SaveFormHtml(const Context& ctx, const std::optional<auth::Principal>& viewer,
                         std::string_view paper_id, std::string_view next_path);

}  // namespace paperpulse::http
