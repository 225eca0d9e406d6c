// The JSON API under /api/: Hugging Face compatible daily papers
// (/api/daily_papers), papers (/api/papers/{id}), search and related papers.
// See docs/api.md for the contract clients rely on.
#pragma once

#include <string_view>

#include "paperpulse/http/context.h"
#include "paperpulse/http/message.h"
#include "paperpulse/http/router.h"
#include "paperpulse/http/status.h"  // JsonError, JsonErrorResponse

namespace paperpulse::http {

// Adds every /api/ route to `router`. `ctx` must outlive the router.
void AddApiRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
