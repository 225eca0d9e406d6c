// STUB: filled in by the comments work.
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

void AddCommentApiRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
