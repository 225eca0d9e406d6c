// STUB: filled in by the reading_lists work.
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

void AddReadingListApiRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
