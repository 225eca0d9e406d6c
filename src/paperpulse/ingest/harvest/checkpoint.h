// The harvest checkpoint: where an OAI-PMH harvest stands, stored in the
// Store (meta key "harvest.checkpoint") in the same transaction as each
// page's records, so that after a crash the records and the position agree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::ingest::harvest {

inline constexpr std::string_view kCheckpointKey = "harvest.checkpoint";

// One harvest window (a ListRecords request and its resumption pages) and
// what came before it.
struct Checkpoint {
  std::string endpoint;  // OAI-PMH base URL
  std::string set;       // setSpec, "" = all of arXiv
  std::string format;    // metadataPrefix
  std::string from;      // "YYYY-MM-DD", "" = from the beginning
  std::string until;     // "YYYY-MM-DD", "" = up to now
  // The token that fetches the next page; "" before the first page and once
  // the list is complete.
  std::string resumption_token;
  // Greatest record datestamp committed in this window.
  std::string last_datestamp;
  int64_t pages = 0;                // pages committed in this window
  int64_t records = 0;              // records read in this window (deleted and rejected included)
  int64_t complete_list_size = -1;  // as the last page announced it, -1 unknown
  int64_t cursor = -1;              // position of the last page in the list, -1 unknown
  int restarts = 0;                 // badResumptionToken restarts of this window
  bool complete = false;            // the last page (no resumptionToken) is in
  // Greatest datestamp of every complete window so far, this one included
  // once complete: where the next incremental harvest starts. arXiv lists
  // records by identifier, not by datestamp, so last_datestamp of an
  // unfinished window is no safe starting point; this is.
  std::string harvested_through;
  std::string started_at;  // UTC timestamps, "YYYY-MM-DDTHH:MM:SSZ"
  std::string updated_at;
  std::string finished_at;  // "" until complete

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// One JSON object with every field above (stable key names, for
// `harvest --status --json` and for tools).
std::string CheckpointToJson(const Checkpoint& checkpoint);

// Parses CheckpointToJson's output; unknown keys are ignored and missing
// ones keep their defaults, so older and newer versions read each other.
// Errors: kParse when `json` is not a JSON object.
Result<Checkpoint> ParseCheckpoint(std::string_view json);

// The stored checkpoint, nullopt before the first harvest. Errors: the
// Store's, or kParse for a corrupt value (naming the key).
Result<std::optional<Checkpoint>> LoadCheckpoint(storage::Store& store);

// Writes `checkpoint` in the Store's current transaction (if any).
Status SaveCheckpoint(storage::Store& store, const Checkpoint& checkpoint);

}  // namespace paperpulse::ingest::harvest
