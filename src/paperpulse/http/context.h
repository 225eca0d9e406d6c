// What route handlers share: options, Store connections, templates and the
// search index. Owned by the App; handlers borrow it for the App's lifetime.
#pragma once

#include <string>

#include "paperpulse/http/app.h"
#include "paperpulse/http/store_pool.h"

namespace paperpulse::http {

class Templates;

struct Context {
  const AppOptions& options;
  StorePool& stores;
  Templates& templates;
  search::Index* index;  // may be nullptr (search disabled)
};

}  // namespace paperpulse::http
