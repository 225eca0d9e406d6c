// `paperpulse harvest`: OAI-PMH ListRecords with resumptionToken paging into
// the Store, one transaction per page that also holds the checkpoint.
//
// A page's records and the checkpoint after it commit together, so a kill
// at any moment leaves either the page in (and the token to the next one) or
// neither: a re-run continues with the right token, losing and duplicating
// nothing (and the Store's merge makes re-reading a page harmless anyway).
//
// Incremental by default: with no `from`, a new window starts at the
// checkpoint's harvested_through (the greatest datestamp of the last
// complete harvest; OAI-PMH's `from` is inclusive, so that day is read
// again, which the merge makes free). An unfinished window of the same
// endpoint, set and format is resumed instead. An expired token
// (badResumptionToken) restarts the window from its `from`.
//
// Pages are parsed by ReadOaiPmhPage (ingest/oai_pmh.h): no second parser.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"
#include "paperpulse/ingest/harvest/checkpoint.h"
#include "paperpulse/ingest/harvest/polite_client.h"
#include "paperpulse/ingest/store_sink.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::ingest::harvest {

// arXiv's OAI-PMH base URL (since 2025; export.arxiv.org/oai2 before).
inline constexpr std::string_view kArxivOaiEndpoint = "https://oaipmh.arxiv.org/oai";

// After every committed page.
struct HarvestProgress {
  int64_t page = 0;            // pages committed in the window
  int64_t window_records = 0;  // records read in the window
  int64_t run_records = 0;     // records read by this run
  Counts counts;               // outcomes of this run
  int64_t complete_list_size = -1;
  int64_t list_position = -1;  // records of the list read so far (cursor + page), -1 unknown
  double seconds = 0;          // since the run started
  bool complete = false;
};

struct HarvestOptions {
  std::string endpoint = std::string(kArxivOaiEndpoint);
  std::string set;                  // "" = all of arXiv; "cs", "physics:hep-th", ...
  std::string format = "arXivRaw";  // arXivRaw (every version's date), arXiv, oai_dc
  std::string from;                 // "YYYY-MM-DD"; "" = incremental
  std::string until;                // "YYYY-MM-DD"; "" = up to now
  // Tries per page whose body is malformed or not OAI-PMH at all (network
  // and HTTP retries are the PoliteClient's and come on top).
  int max_page_tries = 3;
  // badResumptionToken restarts per run, before giving up.
  int max_restarts = 3;
  // Every rejected record (default: a warning log line).
  StoreSink::RejectFn on_reject;
  std::function<void(const HarvestProgress&)> on_progress;
  // Set to stop between pages (the committed pages are kept).
  const std::atomic<bool>* stop = nullptr;
};

struct HarvestReport {
  Checkpoint checkpoint;  // as last committed (or loaded)
  Counts counts;          // records of this run
  int64_t pages = 0;      // pages committed by this run
  int64_t deleted = 0;    // deleted-record headers seen (nothing to do for them)
  int restarts = 0;       // badResumptionToken restarts in this run
  bool resumed = false;   // this run continued an interrupted window
  bool complete = false;  // the window is complete
  double seconds = 0;
};

class OaiHarvester {
 public:
  // Borrows everything; `store` must not be inside a transaction.
  OaiHarvester(storage::Store& store, PoliteClient& client, HarvestOptions options);

  // Harvests until the list is complete. Errors: kInvalidArgument for bad
  // options or an OAI-PMH error other than noRecordsMatch and
  // badResumptionToken (badArgument, cannotDisseminateFormat, ...);
  // kUnavailable when a page could not be fetched (PoliteClient gave up) or
  // when stopped; kParse when a page stayed malformed for max_page_tries
  // (message: page number, its URL and the parse error); the Store's errors.
  // On any error every page committed before stays, and report() says how far
  // the run got; a re-run continues from there.
  Status Run();

  const HarvestReport& report() const { return report_; }

 private:
  Status Validate() const;
  Result<Checkpoint> StartingPoint();
  // Fetches and commits the page after `checkpoint_`; sets `restart` when
  // the token expired.
  Status HarvestPage(bool& restart);

  storage::Store& store_;
  PoliteClient& client_;
  HarvestOptions options_;
  HarvestReport report_;
  Checkpoint checkpoint_;
  Clock::SteadyTime start_;
};

// The URL of the first ListRecords page of a window.
std::string ListRecordsUrl(std::string_view endpoint, std::string_view format, std::string_view set,
                           std::string_view from, std::string_view until);
// The URL of the page after `token`.
std::string ResumptionUrl(std::string_view endpoint, std::string_view token);
// `s` percent-encoded for a URL query value (RFC 3986 unreserved kept).
std::string UrlEncode(std::string_view s);

}  // namespace paperpulse::ingest::harvest
