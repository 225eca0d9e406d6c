// The JSON API of personal libraries: POST / GET /api/library, GET
// /api/library/tags, POST /api/library/import, and GET / PATCH / DELETE
// /api/library/{id}. Contracts in docs/api.md ("Personal library"); the
// logic is in http/library.h.
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

// Adds the routes above to `router`; call before /api/papers/{id...} and
// the /api/{rest...} catch-all. `ctx` must outlive the router.
void AddLibraryApiRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
