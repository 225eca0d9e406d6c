// Reader for OAI-PMH 2.0 responses from arXiv (export.arxiv.org/oai2).
//
// Records come from ListRecords and GetRecord pages in three metadata formats:
//   arXivRaw  every version with its date and size; authors as one string
//   arXiv     structured authors (keyname/forenames/suffix), created/updated
//   oai_dc    Dublin Core: "Surname, Forenames" creators, one date per version
// Other verbs (Identify, ListSets, ListMetadataFormats, ListIdentifiers) are
// valid responses without records. A page is one XML document, bounded by
// the protocol (arXiv sends ~1000-2500 records per page, a few MB), so it is
// parsed whole.
//
// Deleted records (<header status="deleted">) carry no metadata and are not
// errors: they are skipped without OnReject and counted in OaiPageInfo (arXiv
// marks withdrawn papers with a new version instead, so these are rare and
// there is nothing in the model to delete).
//
// oai_dc names subjects in words ("Computer Science - Learning"): they are
// mapped to category codes with the oai-dc-jsonl reader's table, so the same
// record reads the same from both.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

// What a page says about the list it belongs to, for the harvester.
struct OaiPageInfo {
  std::string verb;                 // "ListRecords", "GetRecord", ... ("" for an error-only page)
  std::string response_date;        // <responseDate>, normalised ("" when absent or unreadable)
  std::string resumption_token;     // "" when the list is complete (or on single-page verbs)
  int64_t complete_list_size = -1;  // resumptionToken@completeListSize, -1 when absent
  int64_t cursor = -1;              // resumptionToken@cursor, -1 when absent
  // The first OAI-PMH <error> of the page ("badResumptionToken",
  // "noRecordsMatch", ...) and its message; "" when none.
  std::string error_code;
  std::string error_message;
  // The greatest header <datestamp> on the page (records, deleted records and
  // ListIdentifiers headers), as the server wrote it ("2019-10-08").
  std::string last_datestamp;
  int64_t records = 0;  // <record> elements read, deleted ones included
  int64_t deleted = 0;  // of which deleted
  // Non-empty when the page is malformed or cut short: records before the
  // break were delivered, the rest (and usually the resumptionToken) are
  // lost. A harvester must treat such a page as a failed fetch.
  std::string parse_error;
};

// Reads one OAI-PMH response held in `xml`: each record becomes OnPaper or
// OnReject (a short reason: bad id, missing title, unsupported metadata
// format, ...);
// `name` labels the positions reported (record index, line and offset). A
// non-empty resumptionToken is also passed to sink.OnResumption.
// OAI-PMH errors: noRecordsMatch is an empty result (no OnReject); any other
// code yields one OnReject for the document. Both are reported in the info.
// Malformed XML: complete records before the break are delivered, then one
// OnReject names the parse error. Errors (kParse) only when `xml` is not an
// OAI-PMH response at all.
Result<OaiPageInfo> ReadOaiPmhPage(std::string_view xml, const std::string& name, RecordSink& sink);

// Whether `head` (the first bytes of a document) looks like an OAI-PMH
// response: XML whose root element is <OAI-PMH>. Cheap.
bool LooksLikeOaiPmh(std::string_view head);

}  // namespace paperpulse::ingest
