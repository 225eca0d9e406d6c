// Reader for Atom feeds of the arXiv query API (export.arxiv.org/api/query),
// in both the legacy layout (until 2025: namespaces declared on the elements,
// "ArXiv Query:" title, http links) and the 2026 layout (namespaces on the
// root, different element order, https links). Elements are matched by local
// name and never by position, so both read the same way.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

// What a feed says about itself, for the harvester's paging.
struct AtomFeedInfo {
  int64_t total_results = -1;   // opensearch:totalResults, -1 when absent
  int64_t start_index = -1;     // opensearch:startIndex
  int64_t items_per_page = -1;  // opensearch:itemsPerPage
  int64_t entries = 0;          // <entry> elements read, error entries included
  // The API reported an error (an entry whose id is .../api/errors#...; the
  // API sends these with HTTP 400): `error` holds its summary text.
  bool is_error = false;
  std::string error;
  // Non-empty when the document is malformed or cut short: the entries
  // before the break were delivered, later ones are lost. A harvester must
  // treat such a page as a failed fetch.
  std::string parse_error;
};

// Reads one arXiv API Atom feed held in `xml`, handing each paper entry to
// `sink` (OnPaper) and each unusable entry to OnReject; `name` labels the
// positions reported. An error feed yields one OnReject carrying the API's
// message and sets is_error; an empty result feed yields nothing.
// Malformed XML: complete entries before the break are delivered, then one
// OnReject names the parse error. Errors (kParse) only when `xml` is not an
// Atom feed at all.
Result<AtomFeedInfo> ReadAtomFeed(std::string_view xml, const std::string& name, RecordSink& sink);

// Whether `head` (the first bytes of a document) looks like an arXiv API Atom
// feed: XML with a <feed> in the Atom namespace that mentions arXiv. Cheap.
bool LooksLikeArxivAtom(std::string_view head);

}  // namespace paperpulse::ingest
