// STUB: filled in by the library work.
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

void AddLibraryApiRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
