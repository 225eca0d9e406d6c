// Route groups of the pages, one per file (pages.h has AddPageRoutes).
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

// "/", "/papers/date|week|month/...", "/papers/trending" (lists.cc).
void AddListRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
