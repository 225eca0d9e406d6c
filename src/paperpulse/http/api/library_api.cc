#include "paperpulse/http/api/library_api.h"

namespace paperpulse::http {

void AddLibraryApiRoutes(Router&, const Context&) {}

}  // namespace paperpulse::http
