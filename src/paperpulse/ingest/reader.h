// The contract between input-format readers and the import pipeline.
//
// A Reader turns one input (file or fetched page) into records and hands each
// to a RecordSink as soon as it is parsed (streaming: a reader never holds more
// than one record, or one XML document, in memory). A bad record is reported
// with OnReject and reading goes on with the next one; only an I/O failure or
// an input that cannot be read at all ends Read() with an error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/ingest/source.h"
#include "paperpulse/model/paper.h"

namespace paperpulse::ingest {

// Where a record came from, for error reports: "file:line" or "file@offset".
struct SourcePos {
  std::string file;
  int64_t line = 0;     // 1-based line number, 0 when not line-oriented
  int64_t offset = -1;  // byte offset (decompressed), -1 when unknown
  int64_t index = -1;   // 0-based index of the record within its document (XML/JSON arrays)
  std::string ToString() const;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // A (possibly partial) paper record. `paper.id` is a base id already
  // validated with ParseArxivId; fields the source lacks are left empty.
  // A record whose source names no arXiv id at all (abstract datasets) comes
  // with an empty id and is held apart by the import (not rejected).
  // `paper.latest_version` is the version the record describes (0 = unknown).
  virtual void OnPaper(Paper paper, const SourcePos& pos) = 0;
  // A community pick (HF daily papers) together with the paper it is about.
  virtual void OnDailyEntry(DailyEntry entry, Paper paper, const SourcePos& pos) = 0;
  // A record that could not be used; `reason` says why in a few words.
  virtual void OnReject(const SourcePos& pos, std::string reason) = 0;
  // The OAI-PMH resumptionToken/completeListSize of a page, when it has one
  // (the harvester follows it; import ignores it).
  virtual void OnResumption(const std::string& /*token*/, int64_t /*complete_list_size*/) {}
};

class Reader {
 public:
  virtual ~Reader() = default;
  // Stable short name used in summaries and `--format` ("kaggle-jsonl", ...).
  virtual std::string_view Name() const = 0;
  // Whether this reader recognises the input from its first bytes (`head`,
  // decompressed, up to 64 KiB) and its file name. Content decides; the name
  // may only break ties. Must be cheap.
  virtual bool Sniff(std::string_view head, std::string_view path) const = 0;
  // Reads every record of `source` into `sink`. Errors only when the input
  // as a whole cannot be read (I/O error, not this format at all).
  virtual Status Read(ByteSource& source, RecordSink& sink) = 0;
};

// Every reader, in detection order (most specific first).
std::vector<std::unique_ptr<Reader>> AllReaders();

// The reader whose Sniff accepts `head`, or nullptr.
Reader* DetectReader(const std::vector<std::unique_ptr<Reader>>& readers, std::string_view head,
                     std::string_view path);

}  // namespace paperpulse::ingest
