// The community JSON API: sign-in (POST /api/login, /api/login/confirm,
// /api/logout), the account (GET / PATCH /api/me), votes (POST / DELETE
// /api/papers/{id}/upvote), submissions (POST /api/daily_papers) and admin
// actions (/api/admin/...). Contracts in docs/api.md.
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

// Adds the routes above to `router`; call before the generic
// /api/papers/{id...} route. `ctx` must outlive the router.
void AddCommunityApiRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
