#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/pages/routes.h"

namespace paperpulse::http {

void AddPageRoutes(Router& router, const Context& ctx) {
  AddListRoutes(router, ctx);
}

}  // namespace paperpulse::http
