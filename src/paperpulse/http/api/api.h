// The JSON API under /api/: Hugging Face compatible daily papers
// (/api/daily_papers, with HF's submitter / organization filters), papers
// (/api/papers/{id}, and every paper newest first: /api/papers?cursor=),
// search and related papers.
// See docs/api.md for the contract clients rely on.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/context.h"
#include "paperpulse/http/message.h"
#include "paperpulse/http/router.h"
#include "paperpulse/http/status.h"  // JsonError, JsonErrorResponse

namespace paperpulse::http {

// Adds every /api/ route to `router`. `ctx` must outlive the router.
void AddApiRoutes(Router& router, const Context& ctx);

// A JSON answer that no cache keeps (personal or state-changing).
Response NoStoreJson(int status, std::string body);

// The account a write API request acts for: a session with its CSRF token
// and an allowed Origin, or a Bearer token (auth::RequireWriter).
Result<auth::Principal> ApiWriter(const Context& ctx, storage::Store& store, const Request& req);

// A handler of the write API: its error becomes the JSON error answer.
using JsonRouteFn = std::function<Result<Response>(const Request&, const PathParams&)>;

// Adds an uncached route whose errors are answered by JsonErrorResponse.
void AddJsonRoute(Router& router, std::string name, std::string pattern,
                  std::vector<std::string> methods, JsonRouteFn fn);

}  // namespace paperpulse::http
