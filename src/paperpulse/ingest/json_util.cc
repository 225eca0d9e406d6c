#include "paperpulse/ingest/json_util.h"

#include <cmath>
#include <limits>

#include "paperpulse/base/strings.h"
#include "paperpulse/ingest/normalize.h"

namespace paperpulse::ingest::json {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAlpha(char c) { return IsLower(c) || (c >= 'A' && c <= 'Z'); }

// One part of a category code: letters (lower case only for the archive)
// joined by single hyphens, e.g. "cond-mat", "mes-hall", "CL".
bool IsCategoryPart(std::string_view s, bool lower_only) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '-') {
      if (s[i - 1] == '-') return false;
    } else if (!(lower_only ? IsLower(c) : IsAlpha(c))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status ForEachJsonLine(ByteSource& source, RecordSink& sink, const LineHandler& handler) {
  LineReader lines(source, kMaxLineBytes);
  simdjson::dom::parser parser;
  SourcePos pos;
  pos.file = source.name();
  std::string_view line;
  while (true) {
    ASSIGN_OR_RETURN(LineReader::Outcome outcome, lines.Next(line));
    if (outcome == LineReader::Outcome::kEnd) return Ok();
    pos.line = lines.line_number();
    pos.offset = lines.line_offset();
    if (outcome == LineReader::Outcome::kTooLong) {
      sink.OnReject(pos, "line longer than 16 MiB");
      continue;
    }
    if (pos.line == 1 && StartsWith(line, kBom)) line.remove_prefix(kBom.size());
    if (TrimView(line).empty()) continue;  // blank lines (e.g. a final "\n\n") carry no record
    simdjson::dom::element root;
    // realloc_if_needed: simdjson copies the line into the parser's own
    // padded buffer, which is reused, so `line` needs no padding of its own.
    auto error = parser.parse(line.data(), line.size(), true).get(root);
    if (error) {
      sink.OnReject(pos, ParseErrorReason(error, line));
      continue;
    }
    handler(root, pos);
  }
}

std::string ParseErrorReason(simdjson::error_code error, std::string_view text) {
  switch (error) {
    case simdjson::UTF8_ERROR: {
      std::string out = "invalid UTF-8";
      size_t at = FirstInvalidUtf8(text);
      if (at != std::string_view::npos) {
        out.append(" at byte ");
        out.append(std::to_string(at));
      }
      return out;
    }
    case simdjson::UNCLOSED_STRING:
      return "unterminated string (truncated record?)";
    case simdjson::TAPE_ERROR:
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      return "truncated or malformed JSON";
    case simdjson::DEPTH_ERROR:
      return "JSON nested too deeply";
    case simdjson::CAPACITY:
    case simdjson::MEMALLOC:
      return "record too large";
    case simdjson::EMPTY:
      return "empty record";
    default: {
      std::string out = "invalid JSON: ";
      out.append(simdjson::error_message(error));
      return out;
    }
  }
}

std::string QuoteForReason(std::string_view s) {
  constexpr size_t kMax = 60;
  std::string out = "\"";
  if (s.size() <= kMax) {
    out.append(s);
  } else {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    out.append(s.substr(0, cut));
    out.append("...");
  }
  out.push_back('"');
  return out;
}

std::optional<ArxivId> ParseRecordId(std::string_view raw, std::string& reason) {
  std::string_view trimmed = TrimView(raw);
  if (trimmed.empty()) {
    reason = "missing id";
    return std::nullopt;
  }
  auto id = ParseArxivId(trimmed);
  if (!id) {
    reason = "bad arXiv id ";
    reason.append(QuoteForReason(trimmed));
    return std::nullopt;
  }
  return std::move(*id);
}

std::string_view StringOr(simdjson::dom::element e) {
  std::string_view s;
  if (e.get_string().get(s)) return {};
  return s;
}

std::string_view StringField(simdjson::dom::object obj, std::string_view key) {
  simdjson::dom::element e;
  if (obj.at_key(key).get(e)) return {};
  return StringOr(e);
}

std::optional<int64_t> IntOr(simdjson::dom::element e) {
  int64_t i;
  if (!e.get_int64().get(i)) return i;
  double d;
  // Some writers serialise counts as floats ("upvotes": 12.0).
  if (e.is_double() && !e.get_double().get(d) && std::isfinite(d) && d == std::floor(d) &&
      std::fabs(d) < 9.0e18) {
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::string Collapse(std::string_view s) {
  bool collapsed = s.empty() || (!IsAsciiSpace(s.front()) && !IsAsciiSpace(s.back()));
  for (size_t i = 0; collapsed && i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ') {
      collapsed = s[i + 1] != ' ';  // s.back() is not a space, so i + 1 is in range
    } else if (IsAsciiSpace(c) || c == '\f' || c == '\v') {
      collapsed = false;
    }
  }
  return collapsed ? std::string(s) : CollapseWhitespace(s);
}

std::string NormalizeText(std::string_view text) {
  // Every TeX macro TexToUnicode converts starts with a backslash.
  if (text.find('\\') == std::string_view::npos) return Collapse(text);
  return CollapseWhitespace(TexToUnicode(text));
}

bool LooksLikeCategory(std::string_view s) {
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) return s.size() >= 2 && IsCategoryPart(s, true);
  return dot >= 2 && IsCategoryPart(s.substr(0, dot), true) &&
         IsCategoryPart(s.substr(dot + 1), false);
}

std::string_view SkipBomAndSpace(std::string_view head) {
  if (StartsWith(head, kBom)) head.remove_prefix(kBom.size());
  size_t i = 0;
  while (i < head.size() && IsAsciiSpace(head[i])) ++i;
  return head.substr(i);
}

std::string_view FirstLine(std::string_view head, bool& complete) {
  if (StartsWith(head, kBom)) head.remove_prefix(kBom.size());
  size_t nl = head.find('\n');
  complete = nl != std::string_view::npos;
  return complete ? head.substr(0, nl) : head;
}

bool HasKey(std::string_view text, std::string_view key) {
  std::string needle = "\"";
  needle.append(key);
  needle.push_back('"');
  for (size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    if (at > 0 && text[at - 1] == '\\') continue;  // an escaped quote inside some string
    size_t i = at + needle.size();
    while (i < text.size() && IsAsciiSpace(text[i])) ++i;
    if (i < text.size() && text[i] == ':') return true;
  }
  return false;
}

}  // namespace paperpulse::ingest::json
