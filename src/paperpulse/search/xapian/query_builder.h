// Turns a parsed query (search/query.h) into a Xapian::Query over the
// layout of schema.h, correcting unknown words from the spelling data.
#pragma once

#include <xapian.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/search/query.h"

namespace paperpulse::search::xapian {

struct BuiltQuery {
  // Empty (Xapian::Query()) when nothing is left to match, e.g. only stop words.
  Xapian::Query query;
  // True when some clause scores (free text, title:, abs:, author:); false
  // for pure filters (cat:, id:, year:), which have no relevance order.
  bool scored = false;
  // The query text with unknown words replaced by their corrections, or ""
  // when nothing was corrected.
  std::string corrected;
  // Stop words left out of the free text.
  std::vector<std::string> dropped_stop_words;
  // What snippets highlight: stems of the positive text words, and prefixes.
  std::set<std::string> highlight_stems;
  std::vector<std::string> highlight_prefixes;
};

// Builds the query for `root`, parsed from `text`. Stems with `stemmer`;
// looks up term frequencies and spelling suggestions in `db`. Errors:
// Xapian exceptions propagate (the caller catches and converts them).
BuiltQuery BuildQuery(const QueryNode& root, std::string_view text, const Xapian::Database& db,
                      const Xapian::Stem& stemmer);

}  // namespace paperpulse::search::xapian
