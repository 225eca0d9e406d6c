#include "paperpulse/http/api/comments_api.h"

namespace paperpulse::http {

void AddCommentApiRoutes(Router&, const Context&) {}

}  // namespace paperpulse::http
