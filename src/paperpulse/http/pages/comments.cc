// STUB: filled in by the comments work.
#include "paperpulse/http/pages/routes.h"

namespace paperpulse::http {

void AddCommentRoutes(Router&, const Context&) {}

}  // namespace paperpulse::http
