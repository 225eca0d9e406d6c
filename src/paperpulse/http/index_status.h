// The search index's first build in words: what the search page, the search
// API and /healthz say while a fresh site's full index builds and its
// lookup index (ids, exact titles, author names) answers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/http/context.h"
#include "paperpulse/search/index.h"

namespace paperpulse::http {

// The running build, if the App has an indexer and it is building.
std::optional<search::IndexBuildStatus> RunningIndexBuild(const Context& ctx);

// "The full-text index is being built: 34% of 2,700,000 papers, about 12
// minutes left." (as much of it as is known), or "" without a build.
std::string IndexBuildSentence(const std::optional<search::IndexBuildStatus>& build);

// The index's answer to `query`, or while it cannot give one (no lookup
// index yet, or its pass has not reached the paper) and `query` is an arXiv
// id in any form with no filter or offset: that paper from the Store, which
// has every paper from the moment it is imported, as a one-hit partial
// result. Errors: those of Index::Search (the index was asked first).
Result<search::SearchResults> SearchOrFindId(const Context& ctx, std::string_view query,
                                             const search::SearchOptions& options);

// What partial results (SearchResults::partial) can find, for the page and
// API messages.
inline constexpr const char* kPartialSearchNote =
    "Until it is ready, search finds papers by arXiv id, exact title and author name.";

}  // namespace paperpulse::http
