#include "paperpulse/ingest/http_recording.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "paperpulse/base/strings.h"
#include "paperpulse/ingest/arxiv_atom.h"
#include "paperpulse/ingest/oai_pmh.h"
#include "paperpulse/ingest/readers.h"
#include "paperpulse/ingest/xml_util.h"

namespace paperpulse::ingest {
namespace {

using xml::StrCat;

// Recordings are small (the largest real one is ~240 KB); this bounds a
// mistaken input.
constexpr size_t kMaxRecordingBytes = 64 << 20;
// Bodies are sniffed on the same prefix a file would be.
constexpr size_t kSniffBytes = 64 << 10;

// Lists the top-level keys of the JSON object at `s[i]` ('{') without
// parsing values, as far as `s` goes: the sniffer sees only a file's head,
// which may end inside a long value.
class KeyScanner {
 public:
  explicit KeyScanner(std::string_view s) : s_(s) {}

  // Skips an optional UTF-8 BOM and white space; returns the next byte or 0.
  char Start() {
    if (StartsWith(s_, "\xEF\xBB\xBF")) i_ = 3;
    SkipWs();
    return Peek();
  }
  void Advance() { ++i_; }
  void SkipWs() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }
  char Peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }

  std::vector<std::string> ObjectKeys() {
    std::vector<std::string> keys;
    if (Peek() != '{') return keys;
    ++i_;
    while (true) {
      SkipWs();
      if (Peek() != '"') return keys;  // '}' or malformed or end of head
      std::string key;
      if (!String(&key)) return keys;
      SkipWs();
      if (Peek() != ':') return keys;
      ++i_;
      SkipWs();
      keys.push_back(std::move(key));
      if (!SkipValue()) return keys;
      SkipWs();
      if (Peek() != ',') return keys;
      ++i_;
    }
  }

 private:
  // At '"': reads the string (escapes kept as written; keys have none).
  bool String(std::string* out) {
    ++i_;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (i_ >= s_.size()) return false;
        c = s_[i_++];
      }
      if (out) out->push_back(c);
    }
    return false;
  }
  bool SkipValue() {
    char c = Peek();
    if (c == '"') return String(nullptr);
    if (c == '{' || c == '[') {
      int depth = 0;
      while (i_ < s_.size()) {
        char d = s_[i_];
        if (d == '"') {
          if (!String(nullptr)) return false;
          continue;
        }
        ++i_;
        if (d == '{' || d == '[') ++depth;
        if ((d == '}' || d == ']') && --depth == 0) return true;
      }
      return false;
    }
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']') ++i_;
    return i_ < s_.size();
  }

  std::string_view s_;
  size_t i_ = 0;
};

bool HasKeys(const std::vector<std::string>& keys, std::initializer_list<std::string_view> want) {
  return std::all_of(want.begin(), want.end(), [&](std::string_view w) {
    return std::find(keys.begin(), keys.end(), w) != keys.end();
  });
}

// Hands one recorded response body to the reader of its format.
void ReadBody(std::string_view body, int64_t status, const std::string& label, const SourcePos& pos,
              RecordSink& sink) {
  std::string_view head = body.substr(0, kSniffBytes);
  if (LooksLikeOaiPmh(head)) {
    if (auto page = ReadOaiPmhPage(body, label, sink); !page) {
      sink.OnReject(pos, page.error().message);
    }
  } else if (LooksLikeArxivAtom(head)) {
    if (auto feed = ReadAtomFeed(body, label, sink); !feed) {
      sink.OnReject(pos, feed.error().message);
    }
  } else if (status >= 200 && status < 300) {
    sink.OnReject(pos, "recorded body is neither an arXiv Atom feed nor an OAI-PMH response");
  }
}

class HttpRecordingReader final : public Reader {
 public:
  std::string_view Name() const override { return "http-recording"; }
  bool Sniff(std::string_view head, std::string_view /*path*/) const override {
    return LooksLikeHttpRecording(head);
  }
  Status Read(ByteSource& source, RecordSink& sink) override {
    ASSIGN_OR_RETURN(std::string text, ReadAll(source, kMaxRecordingBytes));
    return ReadHttpRecording(text, source.name(), sink);
  }
};

}  // namespace

Status ReadHttpRecording(std::string_view json, const std::string& name, RecordSink& sink) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root); err) {
    return Fail(ErrorCode::kParse,
                StrCat({name, ": invalid JSON: ", simdjson::error_message(err)}));
  }
  SourcePos whole;
  whole.file = name;

  simdjson::dom::object object;
  if (root.get_object().get(object) == simdjson::SUCCESS) {
    int64_t status = 0;
    std::string_view body;
    if (object["status_code"].get_int64().get(status) != simdjson::SUCCESS ||
        object["body"].get_string().get(body) != simdjson::SUCCESS) {
      return Fail(ErrorCode::kParse,
                  StrCat({name, ": not an HTTP recording (no status_code/body)"}));
    }
    ReadBody(body, status, name, whole, sink);
    return Ok();
  }

  simdjson::dom::array exchanges;
  if (root.get_array().get(exchanges) != simdjson::SUCCESS) {
    return Fail(ErrorCode::kParse, StrCat({name, ": not an HTTP recording"}));
  }
  int64_t index = 0;
  for (simdjson::dom::element exchange : exchanges) {
    SourcePos pos = whole;
    pos.index = index;
    std::string label = StrCat({name, "[", std::to_string(index), "]"});
    ++index;
    int64_t status = 0;
    std::string_view body;
    if (exchange["status"].get_int64().get(status) != simdjson::SUCCESS) {
      sink.OnReject(pos, "recorded exchange without a numeric status");
      continue;
    }
    // nock stores JSON responses as JSON values: those are not ours.
    if (exchange["response"].get_string().get(body) != simdjson::SUCCESS) {
      if (status >= 200 && status < 300) sink.OnReject(pos, "recorded response is not text");
      continue;
    }
    ReadBody(body, status, label, pos, sink);
  }
  return Ok();
}

bool LooksLikeHttpRecording(std::string_view head) {
  KeyScanner scanner(head);
  char first = scanner.Start();
  if (first == '{') return HasKeys(scanner.ObjectKeys(), {"status_code", "body"});
  if (first != '[') return false;
  scanner.Advance();
  scanner.SkipWs();
  return HasKeys(scanner.ObjectKeys(), {"scope", "method", "status"});
}

std::unique_ptr<Reader> MakeHttpRecordingReader() {
  return std::make_unique<HttpRecordingReader>();
}

}  // namespace paperpulse::ingest
