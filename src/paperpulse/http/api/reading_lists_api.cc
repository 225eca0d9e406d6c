#include "paperpulse/http/api/reading_lists_api.h"

namespace paperpulse::http {

void AddReadingListApiRoutes(Router&, const Context&) {}

}  // namespace paperpulse::http
