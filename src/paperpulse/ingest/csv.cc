#include "paperpulse/ingest/csv.h"

#include <algorithm>
#include <cstring>

#include "paperpulse/base/strings.h"

namespace paperpulse::ingest {
namespace {

constexpr size_t kChunk = 64 << 10;
// Bookkeeping cost charged per field against max_record_bytes.
constexpr size_t kFieldOverhead = 16;

}  // namespace

CsvReader::CsvReader(ByteSource& source, CsvOptions options)
    : source_(source), options_(options), buf_(kChunk) {
  stop_unquoted_[static_cast<unsigned char>(options_.delimiter)] = true;
  stop_unquoted_['\n'] = true;
  stop_unquoted_['\r'] = true;
}

Result<bool> CsvReader::Fill() {
  if (eof_) return false;
  consumed_ += static_cast<int64_t>(len_);
  pos_ = 0;
  len_ = 0;
  // The first fill reads at least 3 bytes (when there are) to see a BOM.
  size_t want = started_ ? 1 : 3;
  while (len_ < want) {
    ASSIGN_OR_RETURN(size_t got, source_.Read(buf_.data() + len_, buf_.size() - len_));
    if (got == 0) {
      eof_ = true;
      break;
    }
    len_ += got;
  }
  if (!started_) {
    started_ = true;
    if (len_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  }
  return pos_ < len_;
}

void CsvReader::MarkBad(std::string reason) {
  bad_ = true;
  bad_reason_ = std::move(reason);
  // Give the memory back now: the rest of the record is only scanned.
  field_ = std::string();
  fields_ = std::vector<std::string>();
}

void CsvReader::Append(std::string_view bytes) {
  if (bad_ || bytes.empty()) return;
  if (field_.size() + bytes.size() > options_.max_field_bytes) {
    std::string reason = "field ";
    reason.append(std::to_string(fields_.size() + 1));
    reason.append(" is longer than ");
    reason.append(std::to_string(options_.max_field_bytes));
    reason.append(" bytes");
    MarkBad(std::move(reason));
    return;
  }
  record_bytes_ += bytes.size();
  if (record_bytes_ > options_.max_record_bytes) {
    std::string reason = "record is longer than ";
    reason.append(std::to_string(options_.max_record_bytes));
    reason.append(" bytes");
    MarkBad(std::move(reason));
    return;
  }
  field_.append(bytes);
}

void CsvReader::EndField() {
  if (bad_) return;
  record_bytes_ += kFieldOverhead;
  if (record_bytes_ > options_.max_record_bytes) {
    std::string reason = "record is longer than ";
    reason.append(std::to_string(options_.max_record_bytes));
    reason.append(" bytes");
    MarkBad(std::move(reason));
    return;
  }
  fields_.push_back(std::move(field_));
  field_.clear();
}

Result<CsvReader::Outcome> CsvReader::Next() {
  fields_.clear();
  field_.clear();
  record_bytes_ = 0;
  bad_ = false;
  bad_reason_.clear();
  bool in_record = false;
  State state = State::kFieldStart;

  auto finish = [&]() -> Outcome {
    if (bad_) return Outcome::kBadRecord;
    if (options_.require_utf8) {
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (!IsValidUtf8(fields_[i])) {
          std::string reason = "invalid UTF-8 in field ";
          reason.append(std::to_string(i + 1));
          MarkBad(std::move(reason));
          return Outcome::kBadRecord;
        }
      }
    }
    return Outcome::kRecord;
  };

  while (true) {
    if (pos_ == len_) {
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) {
        if (!in_record) return Outcome::kEnd;
        if (state == State::kQuoted) {
          MarkBad("unterminated quoted field");
          return Outcome::kBadRecord;
        }
        EndField();
        return finish();
      }
    }
    const char c = buf_[pos_];
    if (!in_record) {
      // Blank lines between records are skipped, as Python's csv does.
      if (c == '\n') {
        ++pos_;
        ++line_;
        continue;
      }
      if (c == '\r') {
        ++pos_;
        continue;
      }
      in_record = true;
      record_line_ = line_;
      record_offset_ = consumed_ + static_cast<int64_t>(pos_);
    }
    switch (state) {
      case State::kFieldStart:
        if (c == '"') {
          ++pos_;
          state = State::kQuoted;
          break;
        }
        state = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted: {
        size_t end = pos_;
        while (end < len_ && !stop_unquoted_[static_cast<unsigned char>(buf_[end])]) ++end;
        Append(std::string_view(buf_.data() + pos_, end - pos_));
        pos_ = end;
        if (pos_ == len_) break;  // the field goes on in the next chunk
        const char stop = buf_[pos_++];
        if (stop == options_.delimiter) {
          EndField();
          state = State::kFieldStart;
          break;
        }
        if (stop == '\n') ++line_;  // a CR's LF is skipped as a blank line
        EndField();
        return finish();
      }
      case State::kQuoted: {
        const char* begin = buf_.data() + pos_;
        const char* quote = static_cast<const char*>(std::memchr(begin, '"', len_ - pos_));
        const char* end = quote != nullptr ? quote : buf_.data() + len_;
        line_ += std::count(begin, end, '\n');
        Append(std::string_view(begin, static_cast<size_t>(end - begin)));
        pos_ += static_cast<size_t>(end - begin);
        if (quote != nullptr) {
          ++pos_;
          state = State::kQuoteInQuoted;
        }
        break;
      }
      case State::kQuoteInQuoted:
        if (c == '"') {  // a doubled quote stands for one
          Append("\"");
          ++pos_;
          state = State::kQuoted;
          break;
        }
        // The closing quote. Whatever follows up to the delimiter is taken
        // as it is, as Python's csv does for `"ab"c`.
        state = State::kUnquoted;
        break;
    }
  }
}

std::optional<std::vector<std::string>> SniffCsvHeader(std::string_view head) {
  // Only the first line matters unless a quote may carry the header over a
  // line end; copying less keeps Sniff cheap.
  size_t nl = head.find('\n');
  if (nl != std::string_view::npos && head.substr(0, nl).find('"') == std::string_view::npos) {
    head = head.substr(0, nl + 1);
  }
  auto source = ByteSource::FromString(std::string(head), "head");
  CsvReader reader(*source);
  auto outcome = reader.Next();
  if (!outcome || *outcome != CsvReader::Outcome::kRecord) return std::nullopt;
  return reader.fields();
}

int CsvHeader::Find(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string> DataColumns(const std::vector<std::string>& header) {
  size_t skip = 0;
  while (skip < header.size() && (header[skip].empty() || StartsWith(header[skip], "Unnamed: "))) {
    ++skip;
  }
  return std::vector<std::string>(header.begin() + static_cast<std::ptrdiff_t>(skip), header.end());
}

bool ContainsColumns(const std::vector<std::string>& columns,
                     std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) return false;
  }
  return true;
}

Status ReadCsvRecords(
    ByteSource& source, RecordSink& sink, const std::function<Status(const CsvHeader&)>& on_header,
    const std::function<void(const std::vector<std::string>&, const SourcePos&)>& on_record,
    const CsvOptions& options) {
  CsvReader reader(source, options);
  ASSIGN_OR_RETURN(CsvReader::Outcome first, reader.Next());
  if (first == CsvReader::Outcome::kEnd) {
    SourcePos pos;
    pos.file = source.name();
    pos.offset = 0;
    sink.OnReject(pos, "empty file: no CSV header row");
    return Ok();
  }
  if (first == CsvReader::Outcome::kBadRecord) {
    std::string msg = source.name();
    msg.append(": bad CSV header row: ");
    msg.append(reader.bad_reason());
    return Fail(ErrorCode::kParse, std::move(msg));
  }
  const CsvHeader header(reader.fields());
  RETURN_IF_ERROR(on_header(header));

  SourcePos pos;
  pos.file = source.name();
  while (true) {
    ASSIGN_OR_RETURN(CsvReader::Outcome outcome, reader.Next());
    if (outcome == CsvReader::Outcome::kEnd) return Ok();
    pos.line = reader.record_line();
    pos.offset = reader.record_offset();
    if (outcome == CsvReader::Outcome::kBadRecord) {
      sink.OnReject(pos, reader.bad_reason());
      continue;
    }
    if (reader.fields().size() != header.size()) {
      std::string reason = "expected ";
      reason.append(std::to_string(header.size()));
      reason.append(" columns, got ");
      reason.append(std::to_string(reader.fields().size()));
      sink.OnReject(pos, std::move(reason));
      continue;
    }
    on_record(reader.fields(), pos);
  }
}

}  // namespace paperpulse::ingest
