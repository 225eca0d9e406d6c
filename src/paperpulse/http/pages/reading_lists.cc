// STUB: filled in by the reading_lists work.
#include "paperpulse/http/pages/routes.h"

namespace paperpulse::http {

void AddReadingListRoutes(Router&, const Context&) {}

}  // namespace paperpulse::http
