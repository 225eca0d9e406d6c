// The JSON API of digest subscriptions and search alerts: POST / GET
// /api/subscriptions, POST /api/subscriptions/confirm, PATCH / DELETE
// /api/subscriptions/{id}. Contracts in docs/api.md ("Digest
// subscriptions"); the logic is in http/subscriptions.h.
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

// Adds the routes above to `router`; call before the /api/{rest...}
// catch-all. `ctx` must outlive the router.
void AddSubscriptionApiRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
