// Streaming CSV (RFC 4180) for the CSV input formats.
//
// Real exports bend the RFC, and the reader accepts what Python's csv module
// and pandas accept: quoted fields spanning lines, doubled quotes, CRLF or LF
// (or lone CR) line ends, a final record without a line end, a UTF-8 byte
// order mark, blank lines (skipped), text after a closing quote ("ab"c reads
// as abc) and quotes inside unquoted fields (kept). Memory stays bounded: one
// record at a time, and fields and records have size limits, so a runaway
// quote or a hostile 10 MB field costs a clear error, not the machine.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/ingest/reader.h"
#include "paperpulse/ingest/source.h"

namespace paperpulse::ingest {

struct CsvOptions {
  char delimiter = ',';
  // Longest field accepted. Real fields stay far below: the longest abstract
  // is a few KB, the longest Kaggle authors_parsed (thousand-author
  // collaborations) a few hundred KB.
  size_t max_field_bytes = 2 << 20;
  // Largest record (sum of field sizes plus 16 bytes per field, so that a
  // line of a million commas is bounded as well).
  size_t max_record_bytes = 16 << 20;
  // Reject records whose fields are not valid UTF-8.
  bool require_utf8 = true;
};

class CsvReader {
 public:
  // Reads records from `source`, which must outlive the reader.
  explicit CsvReader(ByteSource& source, CsvOptions options = {});

  enum class Outcome {
    kRecord,     // fields() holds the next record
    kBadRecord,  // a record was skipped; bad_reason() says why
    kEnd,        // no more input
  };
  // Advances to the next record. A record that breaks a limit or has invalid
  // UTF-8 is consumed whole and reported as kBadRecord, so that reading can
  // go on with the record after it. An unterminated quoted field swallows the
  // rest of the input (the RFC gives no way to resynchronise) and is reported
  // as kBadRecord at its start. Errors: only I/O errors of the source.
  Result<Outcome> Next();

  // The fields of the record last returned (valid until the next call).
  const std::vector<std::string>& fields() const { return fields_; }
  // Why the last record was bad ("field 3 is longer than 2097152 bytes").
  const std::string& bad_reason() const { return bad_reason_; }
  // 1-based line and 0-based byte offset where the last record started.
  int64_t record_line() const { return record_line_; }
  int64_t record_offset() const { return record_offset_; }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  Result<bool> Fill();
  void Append(std::string_view bytes);
  void EndField();
  void MarkBad(std::string reason);

  ByteSource& source_;
  CsvOptions options_;
  std::array<bool, 256> stop_unquoted_{};  // bytes that end an unquoted run
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t len_ = 0;
  bool eof_ = false;
  bool started_ = false;  // the BOM check has been done
  int64_t consumed_ = 0;  // bytes before buf_[0]
  int64_t line_ = 1;      // line of buf_[pos_]
  std::vector<std::string> fields_;
  std::string field_;
  size_t record_bytes_ = 0;
  bool bad_ = false;
  std::string bad_reason_;
  int64_t record_line_ = 0;
  int64_t record_offset_ = 0;
};

// Parses the first record of `head` (the start of an input, possibly cut
// short) as a header row. Returns nullopt when `head` is empty or its first
// record is malformed. A header cut by the end of `head` is returned as far
// as it goes. Used by Sniff().
std::optional<std::vector<std::string>> SniffCsvHeader(std::string_view head);

// Column positions of a header row.
class CsvHeader {
 public:
  explicit CsvHeader(std::vector<std::string> names) : names_(std::move(names)) {}
  // Index of the first column called `name`, or -1.
  int Find(std::string_view name) const;
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
};

// The header names without pandas index columns ("" and "Unnamed: 0",
// "Unnamed: 0.1", ...) at the front: what a reader's Sniff compares against.
std::vector<std::string> DataColumns(const std::vector<std::string>& header);

// Whether `columns` contains every name in `names`.
bool ContainsColumns(const std::vector<std::string>& columns,
                     std::initializer_list<std::string_view> names);

// Drives a CSV reader for one input format: reads the header row and passes
// it to `on_header`, which returns an error when the input is not of its
// format (Read then returns that error); then passes every record with its
// position to `on_record`. Records the CSV layer cannot use (syntax, size,
// UTF-8, a column count different from the header's) are reported to `sink`
// as rejects. An empty input is reported as one reject. Errors: I/O errors
// and `on_header`'s error.
Status ReadCsvRecords(
    ByteSource& source, RecordSink& sink, const std::function<Status(const CsvHeader&)>& on_header,
    const std::function<void(const std::vector<std::string>&, const SourcePos&)>& on_record,
    const CsvOptions& options = {});

}  // namespace paperpulse::ingest
