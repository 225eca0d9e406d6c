#include "paperpulse/http/pages/routes.h"

#include "paperpulse/http/pages/pages.h"

namespace paperpulse::http {

void AddPageRoutes(Router& router, const Context& ctx) {
  AddListRoutes(router, ctx);
  AddAccountRoutes(router, ctx);
  AddSubscribeRoutes(router, ctx);
  AddSearchRoutes(router, ctx);
  AddLibraryRoutes(router, ctx);
  AddCommentRoutes(router, ctx);
  AddReadingListRoutes(router, ctx);
  AddOrganizationRoutes(router, ctx);
  AddPaperRoutes(router, ctx);
}

}  // namespace paperpulse::http
