// What route handlers share: options, Store connections, templates, the
// search index, the clock, and the way to say that a write changed what
// pages show. Owned by the App; handlers borrow it for the App's lifetime.
#pragma once

#include <functional>
#include <string>

#include "paperpulse/base/clock.h"
#include "paperpulse/http/app.h"
#include "paperpulse/http/store_pool.h"

namespace paperpulse::http {

class Templates;

struct Context {
  const AppOptions& options;
  StorePool& stores;
  Templates& templates;
  search::Index* index;  // may be nullptr (search disabled)
  // The only time handlers read ("now" for sessions, links, rate limits,
  // "today"); tests inject a FakeClock through AppOptions::clock.
  Clock& clock;
  // Call after a write has committed, before answering: every cached page
  // and API answer becomes a miss at once, so the next request (from
  // anyone) sees the write. Thread-safe; cheap. Empty only in Contexts
  // built by tests without an App.
  std::function<void()> content_changed;
};

}  // namespace paperpulse::http
