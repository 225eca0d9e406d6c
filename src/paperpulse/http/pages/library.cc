// STUB: filled in by the library work.
#include "paperpulse/http/pages/routes.h"

namespace paperpulse::http {

void AddLibraryRoutes(Router&, const Context&) {}

}  // namespace paperpulse::http
