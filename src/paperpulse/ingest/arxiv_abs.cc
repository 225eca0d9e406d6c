#include "paperpulse/ingest/arxiv_abs.h"

#include <charconv>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/ingest/kaggle_csv.h"
#include "paperpulse/ingest/normalize.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

// Real lines are short (abstract lines are wrapped at 80 columns; a long
// author list is wrapped too); an entry of thousands of authors stays well
// below the entry limit.
constexpr size_t kMaxLine = 1 << 20;
constexpr size_t kMaxEntryBytes = 4 << 20;

bool IsBackslashes(std::string_view line) { return TrimView(line) == "\\\\"; }

// The listing form that closes an entry: "\\ ( https://arxiv.org/abs/... , 3197kb)".
bool IsClosingWithLink(std::string_view line) { return StartsWith(line, "\\\\ ("); }

// A rule between entries or sections: "-----..." or "%-%-%-..." / "%%--%%--...".
bool IsSeparator(std::string_view line) {
  line = TrimView(line);
  if (line.size() < 20) return false;
  return line.find_first_not_of("-%") == std::string_view::npos;
}

bool StartsWithSpace(std::string_view line) {
  return !line.empty() && (line[0] == ' ' || line[0] == '\t');
}

// Splits "Key: value" / "arXiv:0704.0001"; keys are words with spaces and
// parentheses ("Date (revised v2)"). Returns false for other lines.
bool SplitHeader(std::string_view line, std::string_view& key, std::string_view& value) {
  size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon > 40) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = line[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == ' ' || c == '(' || c == ')' || c == '_';
    if (!ok) return false;
  }
  key = line.substr(0, colon);
  value = TrimView(line.substr(colon + 1));
  return true;
}

// "Mon, 2 Apr 2007 19:18:42 GMT   (443kb,D)" -> date part and "443kb".
void SplitDateAndSize(std::string_view value, std::string_view& date, std::string_view& size) {
  size_t open = value.rfind('(');
  if (open == std::string_view::npos || value.back() != ')') {
    date = TrimView(value);
    size = {};
    return;
  }
  date = TrimView(value.substr(0, open));
  size = value.substr(open + 1, value.size() - open - 2);
  size = TrimView(size.substr(0, size.find(',')));
}

constexpr std::string_view kReplaced = "replaced with revised version ";

class EntryParser {
 public:
  EntryParser(RecordSink& sink, std::string file) : sink_(sink) { pos_.file = std::move(file); }

  Status Run(LineReader& lines) {
    while (true) {
      std::string_view line;
      ASSIGN_OR_RETURN(LineReader::Outcome outcome, lines.Next(line));
      if (outcome == LineReader::Outcome::kEnd) break;
      if (outcome == LineReader::Outcome::kTooLong) {
        if (state_ != State::kOutside) {
          std::string reason = "line ";
          reason.append(std::to_string(lines.line_number()));
          reason.append(" is longer than ");
          reason.append(std::to_string(kMaxLine));
          reason.append(" bytes");
          MarkBad(std::move(reason));
        }
        continue;
      }
      if (state_ != State::kOutside && !IsValidUtf8(line)) {
        std::string reason = "invalid UTF-8 on line ";
        reason.append(std::to_string(lines.line_number()));
        MarkBad(std::move(reason));
        continue;
      }
      OnLine(line, lines.line_number(), lines.line_offset());
    }
    switch (state_) {
      case State::kOutside:
        break;
      case State::kHeader:
        MarkBad("entry cut off by the end of the input (header not closed by \\\\)");
        Finish();
        break;
      case State::kAfterHeader:
        Finish();
        break;
      case State::kAbstract:
        MarkBad("entry cut off by the end of the input (abstract not closed by \\\\)");
        Finish();
        break;
    }
    return Ok();
  }

 private:
  enum class State { kOutside, kHeader, kAfterHeader, kAbstract };

  void OnLine(std::string_view line, int64_t number, int64_t offset) {
    switch (state_) {
      case State::kOutside:
        if (IsBackslashes(line)) Start(number, offset);
        return;
      case State::kHeader:
        if (IsBackslashes(line)) {
          FlushHeader();
          state_ = State::kAfterHeader;
        } else if (IsClosingWithLink(line)) {
          FlushHeader();
          Finish();
        } else if (IsSeparator(line)) {
          MarkBad("entry header not closed by \\\\");
          Finish();
        } else if (TrimView(line).empty()) {
          FlushHeader();
        } else if (StartsWithSpace(line) && !key_.empty()) {
          value_.push_back(' ');
          Add(value_, TrimView(line));
        } else {
          FlushHeader();
          std::string_view key, value;
          if (StartsWith(line, kReplaced)) {
            key_ = "replaced";
            Add(value_, line.substr(kReplaced.size()));
          } else if (SplitHeader(line, key, value)) {
            key_ = std::string(key);
            Add(value_, value);
          }
          // Other lines in a header carry nothing a Paper keeps.
        }
        return;
      case State::kAfterHeader:
        if (IsSeparator(line) || IsBackslashes(line) || IsClosingWithLink(line)) {
          Finish();  // no abstract (header-only listing entry)
          return;
        }
        state_ = State::kAbstract;
        Add(abstract_, line);
        return;
      case State::kAbstract:
        if (IsBackslashes(line) || IsClosingWithLink(line) || IsSeparator(line)) {
          Finish();
          return;
        }
        abstract_.push_back('\n');
        Add(abstract_, line);
        return;
    }
  }

  void Start(int64_t line, int64_t offset) {
    state_ = State::kHeader;
    pos_.line = line;
    pos_.offset = offset;
    paper_ = Paper();
    versions_.clear();
    replaced_.clear();
    abstract_.clear();
    key_.clear();
    value_.clear();
    has_id_ = false;
    bad_ = false;
    reason_.clear();
    bytes_ = 0;
  }

  // Appends to an entry buffer within the entry size limit.
  void Add(std::string& to, std::string_view text) {
    if (bad_) return;
    bytes_ += text.size();
    if (bytes_ > kMaxEntryBytes) {
      std::string reason = "entry is longer than ";
      reason.append(std::to_string(kMaxEntryBytes));
      reason.append(" bytes");
      MarkBad(std::move(reason));
      return;
    }
    to.append(text);
  }

  void MarkBad(std::string reason) {
    if (bad_ || state_ == State::kOutside) return;  // the first fault is the one to report
    bad_ = true;
    reason_ = std::move(reason);
    abstract_ = std::string();
    value_ = std::string();
  }

  void FlushHeader() {
    if (key_.empty()) return;
    if (!bad_) ApplyHeader(key_, value_);
    key_.clear();
    value_.clear();
  }

  void AddVersion(int number, std::string_view value) {
    std::string_view date, size;
    SplitDateAndSize(value, date, size);
    auto normalized = NormalizeTimestamp(date);
    if (!normalized) {
      std::string reason = "unrecognised date \"";
      reason.append(date.substr(0, 80));
      reason.push_back('"');
      MarkBad(std::move(reason));
      return;
    }
    PaperVersion v;
    v.number = number;
    v.date = std::move(*normalized);
    v.size = std::string(size);
    versions_.push_back(std::move(v));
  }

  void ApplyHeader(std::string_view key, std::string_view value) {
    if (key == "arXiv" || key == "Paper") {
      // "0704.0001", "hep-th/9901001", "2303.00812 (*cross-listing*)".
      std::string_view token = value.substr(0, value.find(' '));
      auto id = ParseArxivId(token);
      if (!id) {
        MarkBad(id.error().message);
        return;
      }
      has_id_ = true;
      paper_.id = id->base;
      paper_.latest_version = id->version;
    } else if (key == "Date") {
      AddVersion(1, value);
    } else if (StartsWith(key, "Date (revised v") && EndsWith(key, ")")) {
      std::string_view digits = key.substr(15, key.size() - 16);
      int number = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
      if (ec != std::errc() || end != digits.data() + digits.size() || number < 1) {
        std::string reason = "bad header \"";
        reason.append(key);
        reason.push_back('"');
        MarkBad(std::move(reason));
        return;
      }
      AddVersion(number, value);
    } else if (key == "replaced") {
      std::string_view date, size;
      SplitDateAndSize(value, date, size);
      auto normalized = NormalizeTimestamp(date);
      if (!normalized) {
        std::string reason = "unrecognised date \"";
        reason.append(date.substr(0, 80));
        reason.push_back('"');
        MarkBad(std::move(reason));
        return;
      }
      replaced_ = std::move(*normalized);
    } else if (key == "Title") {
      paper_.title = CollapseWhitespace(TexToUnicode(value));
    } else if (key == "Authors") {
      paper_.authors = SplitArxivAuthors(value);
    } else if (key == "Categories") {
      paper_.categories = SplitCategories(value);
    } else if (key == "Comments") {
      paper_.comments = CollapseWhitespace(value);
    } else if (key == "Journal-ref") {
      paper_.journal_ref = CollapseWhitespace(value);
    } else if (key == "DOI") {
      paper_.doi = CollapseWhitespace(value);
    } else if (key == "License") {
      paper_.license = std::string(TrimView(value));
    }
    // From (the submitter's address), Report-no, MSC-class, ACM-class and
    // Proxy have no place in a Paper.
  }

  void Finish() {
    FlushHeader();
    if (!bad_ && !has_id_) MarkBad("entry has no arXiv:/Paper: id line");
    if (bad_) {
      sink_.OnReject(pos_, std::move(reason_));
    } else {
      ApplyVersions(std::move(versions_), paper_);
      // A replacement announcement names the date of the new version but
      // not its number.
      if (!replaced_.empty() && replaced_ > paper_.updated) paper_.updated = replaced_;
      paper_.abstract = std::string(TrimView(abstract_));
      sink_.OnPaper(std::move(paper_), pos_);
    }
    state_ = State::kOutside;
  }

  RecordSink& sink_;
  SourcePos pos_;
  State state_ = State::kOutside;
  Paper paper_;
  std::vector<PaperVersion> versions_;
  std::string replaced_;
  std::string abstract_;
  std::string key_;  // header being read (its value may continue)
  std::string value_;
  bool has_id_ = false;
  bool bad_ = false;
  std::string reason_;
  size_t bytes_ = 0;
};

}  // namespace

bool ArxivAbsReader::Sniff(std::string_view head, std::string_view /*path*/) const {
  bool after_backslashes = false;
  size_t start = 0;
  while (start < head.size()) {
    size_t nl = head.find('\n', start);
    if (nl == std::string_view::npos) break;  // a cut last line proves nothing
    std::string_view line = head.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    start = nl + 1;
    if (after_backslashes) {
      std::string_view key, value;
      if (SplitHeader(line, key, value) && (key == "arXiv" || key == "Paper") &&
          ParseArxivId(value.substr(0, value.find(' ')))) {
        return true;
      }
    }
    after_backslashes = IsBackslashes(line);
  }
  return false;
}

Status ArxivAbsReader::Read(ByteSource& source, RecordSink& sink) {
  LineReader lines(source, kMaxLine);
  EntryParser parser(sink, source.name());
  return parser.Run(lines);
}

std::unique_ptr<Reader> MakeArxivAbsReader() { return std::make_unique<ArxivAbsReader>(); }

}  // namespace paperpulse::ingest
