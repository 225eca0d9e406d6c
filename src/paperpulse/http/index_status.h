// The search index's first build in words: what the search page, the search
// API and /healthz say while a fresh site's full index builds and its
// lookup index (ids, exact titles, author names) answers.
#pragma once

#include <optional>
#include <string>

#include "paperpulse/http/context.h"
#include "paperpulse/search/index.h"

namespace paperpulse::http {

// The running build, if the App has an indexer and it is building.
std::optional<search::IndexBuildStatus> RunningIndexBuild(const Context& ctx);

// "The full-text index is being built: 34% of 2,700,000 papers, about 12
// minutes left." (as much of it as is known), or "" without a build.
std::string IndexBuildSentence(const std::optional<search::IndexBuildStatus>& build);

// What partial results (SearchResults::partial) can find, for the page and
// API messages.
inline constexpr const char* kPartialSearchNote =
    "Until it is ready, search finds papers by arXiv id, exact title and author name.";

}  // namespace paperpulse::http
