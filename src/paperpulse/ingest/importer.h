// `paperpulse import`: files and directories in, Store rows out.
//
// Streaming (one record in memory at a time, XML pages excepted), batched
// (one transaction per `batch_size` records, so a kill -9 loses at most the
// open batch, which a re-run re-imports), idempotent (the Store merges).
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "paperpulse/ingest/reader.h"
#include "paperpulse/ingest/store_sink.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::ingest {

struct ImportOptions {
  size_t batch_size = 5000;
  bool progress = false;              // draw a progress line on stderr
  FILE* reject_log = stderr;          // where rejected records are listed (nullptr: nowhere)
  size_t max_rejects_printed = 1000;  // past that, only counted (all go to error_log)
  FILE* error_log = nullptr;          // every rejected record, without limit
  std::string format;                 // force a reader by name; empty = detect
};

struct ImportSummary {
  std::map<std::string, Counts> per_format;  // by reader name
  Counts total;
  Counts daily;                      // daily entries (HF) among the records
  int64_t files = 0;                 // files read
  std::vector<std::string> skipped;  // "path: why" for files that hold no metadata
  std::vector<std::string> failed;   // "path: error" for files that could not be read
  double seconds = 0;

  // The one-line summaries printed at the end, one per format and a total.
  std::string ToText() const;
  std::string ToJson() const;
};

class Importer {
 public:
  Importer(storage::Store& store, ImportOptions options);

  // Imports every path (files; directories recursively, in name order).
  // Per-file problems are recorded in the summary and do not stop the run;
  // an error is returned only for a Store failure (then the open batch is
  // rolled back and the import stops).
  Status ImportPaths(const std::vector<std::string>& paths);

  const ImportSummary& summary() const { return summary_; }

 private:
  Status ImportFile(const std::string& path, int64_t size_before, int64_t total_size);
  Status MaybeCommit();
  void Report(const SourcePos& pos, const std::string& reason);
  void DrawProgress(bool final);

  storage::Store& store_;
  ImportOptions options_;
  ImportSummary summary_;
  std::vector<std::unique_ptr<Reader>> readers_;
  size_t in_batch_ = 0;
  bool in_tx_ = false;
  size_t printed_rejects_ = 0;
  // Progress state.
  double start_ = 0, last_draw_ = 0;
  int64_t done_bytes_ = 0, total_bytes_ = 0;
  const ByteSource* current_ = nullptr;
};

}  // namespace paperpulse::ingest
