#include "paperpulse/http/citations.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/tex.h"
#include "paperpulse/http/json_writer.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// Imported files come from strangers, so every loop below is bounded by the
// input: nothing recurses, a field value is capped (an @string "bomb" that
// doubles a macro at every step stays small), the BibTeX reader stops when
// it has done a few times the work a well-formed file of the same size
// needs, and only the first problems are reported one by one.
constexpr size_t kMaxErrors = 50;
constexpr size_t kMaxValueBytes = 64 * 1024;
constexpr size_t kMaxIdToken = 64;  // longer than any arXiv id or URL tail

constexpr size_t npos = std::string_view::npos;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Position of `needle` (lower-case ASCII) in `hay` at or after `from`,
// ignoring ASCII case.
size_t FindNoCase(std::string_view hay, std::string_view needle, size_t from = 0) {
  if (needle.size() > hay.size()) return npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && Lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return npos;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && FindNoCase(s.substr(0, prefix.size()), prefix) == 0;
}

void AppendCapped(std::string& out, std::string_view s) {
  if (out.size() >= kMaxValueBytes) return;
  out.append(s.substr(0, kMaxValueBytes - out.size()));
}

// Line numbers of byte offsets. A line ends at "\n", "\r\n" or a lone "\r"
// (classic Mac OS exports).
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
        starts_.push_back(i + 1);
      }
    }
  }
  int LineOf(size_t pos) const {
    return 1 + static_cast<int>(std::upper_bound(starts_.begin(), starts_.end(), pos) -
                                starts_.begin());
  }

 private:
  std::vector<size_t> starts_;  // where lines 2, 3, ... begin
};

// Collects "line N: ..." messages, the first kMaxErrors of them in full.
class Problems {
 public:
  void Add(int line, std::string_view what) {
    if (messages_.size() < kMaxErrors) {
      messages_.push_back("line " + std::to_string(line) + ": " + std::string(what));
    } else {
      ++dropped_;
    }
  }
  std::vector<std::string> Take() {
    if (dropped_ > 0) messages_.push_back("... and " + std::to_string(dropped_) + " more");
    return std::move(messages_);
  }

 private:
  std::vector<std::string> messages_;
  size_t dropped_ = 0;
};

// ---- Identifiers ----

// The base id of an arXiv id at the start of `s`: "1706.03762v5 [cs]",
// "hep-th/9901001.pdf", "2301.00001." at the end of a sentence.
std::optional<std::string> LeadingArxivId(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && n <= kMaxIdToken &&
         (IsAlnum(s[n]) || s[n] == '.' || s[n] == '-' || s[n] == '/')) {
    ++n;
  }
  if (n > kMaxIdToken) return std::nullopt;
  std::string_view token = s.substr(0, n);
  if (token.size() > 4 && FindNoCase(token.substr(token.size() - 4), ".pdf") == 0) {
    token.remove_suffix(4);
  }
  while (!token.empty() && (token.back() == '.' || token.back() == '/')) token.remove_suffix(1);
  auto id = ParseArxivId(token);
  if (!id) return std::nullopt;
  return id->base;
}

// The first arXiv id `text` names as an arxiv.org abs/pdf link or as
// "arXiv:<id>" (Zotero's note "arXiv:2401.12345 [cs]", Google Scholar's
// journal "arXiv preprint arXiv:1706.03762", or "arXiv preprint
// cs/0503050" for old ids); "" when none.
std::string ArxivIdMentionedIn(std::string_view text) {
  static constexpr std::array<std::string_view, 4> kMarkers = {"arxiv.org/abs/", "arxiv.org/pdf/",
                                                               "arxiv:", "arxiv preprint "};
  for (std::string_view marker : kMarkers) {
    for (size_t at = FindNoCase(text, marker); at != npos; at = FindNoCase(text, marker, at + 1)) {
      std::string_view rest = text.substr(at + marker.size());
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      if (auto id = LeadingArxivId(rest)) return *id;
    }
  }
  return {};
}

// Replaces %XX escapes (a DOI in a URL has its '/' and '<' escaped at times).
std::string PercentDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (IsDigit(c)) return c - '0';
    c = Lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// True for "10.<registrant>/<suffix>".
bool LooksLikeDoi(std::string_view s) {
  if (!StartsWith(s, "10.")) return false;
  size_t slash = s.find('/');
  if (slash == npos || slash == 3 || slash + 1 == s.size()) return false;
  for (size_t i = 3; i < slash; ++i) {
    if (!IsDigit(s[i]) && s[i] != '.') return false;
  }
  return true;
}

// `s` without "https://doi.org/", "http://dx.doi.org/" (when `url_only`,
// only these are accepted), "doi:" or "DOI " in front; "" when what remains
// is not a DOI. Only the first word counts: arXiv lists several DOIs
// separated by spaces.
std::string NormalizeDoi(std::string_view s, bool url_only) {
  s = TrimView(s);
  bool url = false;
  for (std::string_view scheme : {"https://", "http://"}) {
    if (StartsWithNoCase(s, scheme)) {
      s.remove_prefix(scheme.size());
      break;
    }
  }
  for (std::string_view host : {"dx.doi.org/", "www.doi.org/", "doi.org/"}) {
    if (StartsWithNoCase(s, host)) {
      s.remove_prefix(host.size());
      url = true;
      break;
    }
  }
  if (url_only && !url) return {};
  if (!url) {
    for (std::string_view prefix : {"doi:", "doi "}) {
      if (StartsWithNoCase(s, prefix)) {
        s = TrimView(s.substr(prefix.size()));
        break;
      }
    }
  }
  size_t end = 0;
  while (end < s.size() && !IsSpace(s[end])) ++end;
  std::string doi = url ? PercentDecode(s.substr(0, end)) : std::string(s.substr(0, end));
  // Raw or percent-encoded bytes that are not UTF-8 text make no DOI (and
  // the strings returned must be valid UTF-8).
  if (!IsValidUtf8(doi) || HasControlChars(doi)) return {};
  return LooksLikeDoi(doi) ? doi : std::string();
}

// The arXiv id of arXiv's own DOI, 10.48550/arXiv.<id>; "" for other DOIs.
std::string ArxivIdOfDoi(std::string_view doi) {
  static constexpr std::string_view kPrefix = "10.48550/arxiv.";
  if (!StartsWithNoCase(doi, kPrefix)) return {};
  auto id = ParseArxivId(doi.substr(kPrefix.size()));
  return id ? id->base : std::string();
}

// ---- TeX to text ----

// Letters and symbols written as control words ("\ss", "\o", "\LaTeX").
std::optional<std::string_view> ControlWordText(std::string_view word) {
  if (auto letter = TexLetterWord(word)) return letter;
  // "\textbackslash" is how Zotero writes the backslash of TeX math it
  // escaped ("\${\textbackslash}alpha\$"), so that math reads on as TeX.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kWords = {{
      {"LaTeX", "LaTeX"},
      {"TeX", "TeX"},
      {"textendash", "–"},
      {"textemdash", "—"},
      {"ldots", "…"},
      {"dots", "…"},
      {"textquoteright", "’"},
      {"textquoteleft", "‘"},
      {"textasciitilde", "~"},
      {"textbackslash", "\\"},
  }};
  for (const auto& [name, text] : kWords) {
    if (name == word) return text;
  }
  return std::nullopt;
}

bool IsAccentWord(std::string_view word) {
  return word.size() == 1 && std::string_view("uvHckrdb").find(word[0]) != npos;
}

// Reads the letter an accent applies to at `s[i]`: "o", "{o}", "\i",
// "{\i}". Returns the letter and moves `i` past it; nullopt (and `i`
// unchanged) for anything else, whose text then reads on unaccented.
std::optional<char> AccentBase(std::string_view s, size_t& i) {
  size_t k = i;
  bool braced = k < s.size() && s[k] == '{';
  if (braced) ++k;
  while (braced && k < s.size() && s[k] == ' ') ++k;
  if (k >= s.size()) return std::nullopt;
  char base;
  if (s[k] == '\\' && k + 1 < s.size() && (s[k + 1] == 'i' || s[k + 1] == 'j') &&
      (k + 2 == s.size() || !IsAlpha(s[k + 2]))) {
    base = s[k + 1];
    k += 2;
  } else if (IsAlpha(s[k])) {
    base = s[k];
    ++k;
  } else {
    return std::nullopt;
  }
  if (braced) {
    while (k < s.size() && s[k] == ' ') ++k;
    if (k >= s.size() || s[k] != '}') return std::nullopt;
    ++k;
  }
  i = k;
  return base;
}

// The end (past the closing delimiter) of the math span opened at `s[i]`
// by "$" (delim 1) or "$$" (delim 2), or npos when it is never closed.
size_t MathEnd(std::string_view s, size_t i, size_t delim) {
  for (size_t k = i + delim; k < s.size(); ++k) {
    if (s[k] == '\\') {
      ++k;
    } else if (s[k] == '$') {
      if (delim == 1) return k + 1;
      if (k + 1 < s.size() && s[k + 1] == '$') return k + 2;
    }
  }
  return npos;
}

// A BibTeX value (or an arXiv title or author name) as plain text: accents
// and escapes become the characters they stand for, other commands are
// dropped (their braced arguments read on), grouping braces go, "--" and
// "---" become dashes and "~" a space. Math in $...$ is kept verbatim,
// braces included, for KaTeX: taking it apart would change its meaning.
std::string TexToText(std::string_view s) {
  std::string out;
  // Once a "$" or "$$" is found never to close, later ones are not searched
  // for again: a title full of unmatched dollars stays linear.
  bool inline_closes = true;
  bool display_closes = true;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '$') {
      bool display = display_closes && i + 1 < s.size() && s[i + 1] == '$';
      size_t end = display || inline_closes ? MathEnd(s, i, display ? 2 : 1) : npos;
      if (end == npos) {
        (display ? display_closes : inline_closes) = false;
        out.push_back('$');
        ++i;
      } else {
        out.append(s.substr(i, end - i));
        i = end;
      }
    } else if (c == '{' || c == '}') {
      ++i;
    } else if (c == '~') {
      out.push_back(' ');
      ++i;
    } else if (s.substr(i, 3) == "---") {
      out += "—";
      i += 3;
    } else if (s.substr(i, 2) == "--") {
      out += "–";
      i += 2;
    } else if (s.substr(i, 2) == "``") {
      out += "“";
      i += 2;
    } else if (s.substr(i, 2) == "''") {
      out += "”";
      i += 2;
    } else if (c != '\\') {
      out.push_back(c);
      ++i;
    } else if (i + 1 == s.size()) {
      ++i;
    } else if (IsAlpha(s[i + 1])) {
      size_t k = i + 1;
      while (k < s.size() && IsAlpha(s[k])) ++k;
      std::string_view word = s.substr(i + 1, k - i - 1);
      while (k < s.size() && IsSpace(s[k])) ++k;  // TeX eats the spaces after a control word
      i = k;
      if (IsAccentWord(word)) {
        if (auto base = AccentBase(s, i)) AppendTexAccented(out, word[0], *base);
      } else if (auto text = ControlWordText(word)) {
        out.append(*text);
        // TeX would also eat the space after "\LaTeX" or "\ldots", but
        // titles that write "\LaTeX is" mean a space; a letter such as
        // "Stra\ss e" means none.
        if (i < s.size() && IsSpace(s[i - 1]) && word.size() > 2) out.push_back(' ');
      }
    } else {
      char symbol = s[i + 1];
      i += 2;
      if (std::string_view("\"'`^~=.").find(symbol) != npos) {
        if (auto base = AccentBase(s, i)) {
          AppendTexAccented(out, symbol, *base);
        } else {
          out.push_back(symbol);  // "\~{}" is a tilde, "\'" alone an apostrophe
        }
      } else if (symbol == '\\' || symbol == ',' || symbol == ';' || symbol == ':' ||
                 symbol == '!' || IsSpace(symbol)) {
        out.push_back(' ');
      } else if (symbol != '-') {  // \- is a hyphenation hint
        out.push_back(symbol);
      }
    }
  }
  return CollapseWhitespace(out);
}

// A value as it names an identifier (DOI, URL, eprint): braces go, escapes
// of single characters ("\_", "\%") become the character, commands such as
// \url are dropped.
std::string PlainValue(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '{' || c == '}') continue;
    if (c == '\\' && i + 1 < s.size()) {
      if (IsAlpha(s[i + 1])) {
        while (i + 1 < s.size() && IsAlpha(s[i + 1])) ++i;
      } else {
        out.push_back(s[++i]);
      }
      continue;
    }
    out.push_back(c);
  }
  return CollapseWhitespace(out);
}

// ---- BibTeX ----

// Reads BibTeX the way BibTeX itself does: text outside "@type{...}" is a
// comment, braces in values nest and must balance, "#" concatenates and
// @string defines macros used later. An entry that cannot be read is
// reported and skipped up to the next '@' that starts a line.
class BibtexReader {
 public:
  BibtexReader(std::string_view text, CitationFile& out, Problems& problems)
      : text_(text), lines_(text), out_(out), problems_(problems) {
    MatchBraces();
    // Well-formed files need about one pass; damaged ones re-read a little
    // after each error. Beyond this, a file is hostile rather than damaged.
    budget_ = 8 * text.size() + (4 << 20);
  }

  void Run() {
    size_t at = text_.find('@');
    while (at != npos) {
      if (work_ > budget_) {
        problems_.Add(lines_.LineOf(at), "too damaged to read further");
        return;
      }
      size_t next = ReadBlock(at);
      at = next == npos ? ResumeAfter(at) : text_.find('@', next);
    }
  }

 private:
  // Records, for each '{', where its matching '}' is (npos: never closed).
  // BibTeX pairs braces whatever precedes them, so one pass over the file
  // answers every "where does this value end" with one lookup, and a
  // missing '}' costs one scan instead of one per later entry.
  void MatchBraces() {
    std::vector<size_t> stack;
    for (size_t i = 0; i < text_.size(); ++i) {
      if (text_[i] == '{') {
        stack.push_back(opens_.size());
        opens_.push_back(i);
        closes_.push_back(npos);
      } else if (text_[i] == '}' && !stack.empty()) {
        closes_[stack.back()] = i;
        stack.pop_back();
      }
    }
  }

  size_t MatchOf(size_t open) const {
    auto it = std::lower_bound(opens_.begin(), opens_.end(), open);
    return closes_[static_cast<size_t>(it - opens_.begin())];
  }

  // The next '@' after `at` that starts a line (after optional blanks).
  size_t ResumeAfter(size_t at) {
    bool line_start = false;
    for (size_t i = at + 1; i < text_.size(); ++i) {
      ++work_;
      char c = text_[i];
      if (c == '\n' || c == '\r') {
        line_start = true;
      } else if (c == '@' && line_start) {
        return i;
      } else if (c != ' ' && c != '\t') {
        line_start = false;
      }
    }
    return npos;
  }

  bool AtEnd() const { return pos_ >= text_.size(); }

  void SkipSpace() {
    while (!AtEnd() && IsSpace(text_[pos_])) {
      ++pos_;
      ++work_;
    }
  }

  // BibTeX's identifiers: entry types, field names, macro names, keys.
  static bool IsNameChar(char c) {
    return static_cast<unsigned char>(c) > ' ' && c != 0x7F &&
           std::string_view("\"#%'(),={}@").find(c) == npos;
  }

  std::string_view ReadName() {
    size_t start = pos_;
    while (!AtEnd() && IsNameChar(text_[pos_])) ++pos_;
    work_ += pos_ - start;
    return text_.substr(start, pos_ - start);
  }

  // Reads the block starting at the '@' at `at`. Returns where reading goes
  // on, or npos after reporting why the block could not be read.
  size_t ReadBlock(size_t at) {
    pos_ = at + 1;
    SkipSpace();
    std::string type = AsciiLower(ReadName());
    SkipSpace();
    if (type.empty() || AtEnd() || (text_[pos_] != '{' && text_[pos_] != '(')) {
      return at + 1;  // an '@' in the text between entries, e.g. an e-mail address
    }
    size_t open = pos_++;
    char close = text_[open] == '{' ? '}' : ')';
    error_.clear();
    bool ok;
    if (type == "comment" || type == "preamble") {
      ok = SkipBody(open, close);
    } else if (type == "string") {
      ok = ReadString(close);
    } else {
      ok = ReadEntry(at, close);
    }
    if (ok) return pos_;
    if (AtEnd()) {
      problems_.Add(lines_.LineOf(at), type == "comment" || type == "preamble" || type == "string"
                                           ? "unterminated @" + type
                                           : std::string("unterminated entry"));
    } else {
      problems_.Add(lines_.LineOf(error_pos_), error_);
    }
    return npos;
  }

  bool Error(std::string message) {
    if (error_.empty()) {
      error_ = std::move(message);
      error_pos_ = pos_;
    }
    return false;
  }

  // A '{' that is never closed runs to the end of the file.
  bool Unterminated() {
    pos_ = text_.size();
    return false;
  }

  // Skips an @comment or @preamble body.
  bool SkipBody(size_t open, char close) {
    if (close == '}') {
      size_t end = MatchOf(open);
      if (end == npos) return Unterminated();
      pos_ = end + 1;
      return true;
    }
    if (!SkipTo(')')) return false;
    ++pos_;
    return true;
  }

  // Moves to the next `stop` outside braces. False when there is none (the
  // text ends, or a brace on the way never closes).
  bool SkipTo(char stop) {
    while (!AtEnd() && text_[pos_] != stop) {
      if (text_[pos_] == '{') {
        size_t end = MatchOf(pos_);
        if (end == npos) return Unterminated();
        pos_ = end;
      }
      ++pos_;
      ++work_;
    }
    return !AtEnd();
  }

  // @string{name = value}
  bool ReadString(char close) {
    SkipSpace();
    std::string name = AsciiLower(ReadName());
    if (AtEnd()) return false;
    if (name.empty()) return Error("expected a macro name in @string");
    SkipSpace();
    if (AtEnd()) return false;
    if (text_[pos_] != '=') return Error("expected '=' in @string");
    ++pos_;
    std::string value;
    if (!ReadValue(value)) return false;
    SkipSpace();
    if (!AtEnd() && text_[pos_] == ',') {
      ++pos_;
      SkipSpace();
    }
    if (AtEnd()) return false;
    if (text_[pos_] != close) return Error("expected the end of @string");
    ++pos_;
    macros_[std::move(name)] = std::move(value);
    return true;
  }

  // One value: a braced or quoted string, a number or a macro name,
  // concatenated with others by '#'. The result keeps TeX and inner braces.
  bool ReadValue(std::string& out) {
    while (true) {
      SkipSpace();
      if (AtEnd()) return false;
      char c = text_[pos_];
      if (c == '{') {
        size_t end = MatchOf(pos_);
        if (end == npos) return Unterminated();
        Append(out, text_.substr(pos_ + 1, end - pos_ - 1));
        pos_ = end + 1;
      } else if (c == '"') {
        size_t start = ++pos_;
        if (!SkipTo('"')) return false;
        Append(out, text_.substr(start, pos_ - start));
        ++pos_;
      } else if (IsDigit(c)) {
        size_t start = pos_;
        while (!AtEnd() && IsDigit(text_[pos_])) ++pos_;
        Append(out, text_.substr(start, pos_ - start));
      } else if (IsNameChar(c)) {
        Append(out, Macro(AsciiLower(ReadName())));
      } else {
        return Error("expected a field value");
      }
      SkipSpace();
      if (AtEnd() || text_[pos_] != '#') return true;
      ++pos_;
    }
  }

  void Append(std::string& out, std::string_view s) {
    size_t before = out.size();
    AppendCapped(out, s);
    work_ += out.size() - before + 1;
  }

  // A macro's text; BibTeX's predefined month names, "" for unknown ones
  // (BibTeX warns and goes on too).
  std::string_view Macro(const std::string& name) const {
    if (auto it = macros_.find(name); it != macros_.end()) return it->second;
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kMonths = {{
        {"jan", "January"},
        {"feb", "February"},
        {"mar", "March"},
        {"apr", "April"},
        {"may", "May"},
        {"jun", "June"},
        {"jul", "July"},
        {"aug", "August"},
        {"sep", "September"},
        {"oct", "October"},
        {"nov", "November"},
        {"dec", "December"},
    }};
    for (const auto& [abbrev, month] : kMonths) {
      if (abbrev == name) return month;
    }
    return {};
  }

  // @type{key, name = value, ...} (or with parentheses).
  bool ReadEntry(size_t at, char close) {
    SkipSpace();
    size_t key_start = pos_;
    while (!AtEnd() && text_[pos_] != ',' && text_[pos_] != close && !IsSpace(text_[pos_]) &&
           text_[pos_] != '{' && text_[pos_] != '}') {
      ++pos_;
    }
    work_ += pos_ - key_start;
    std::string_view key = text_.substr(key_start, pos_ - key_start);
    SkipSpace();
    if (AtEnd()) return false;
    std::map<std::string, std::string> fields;
    if (text_[pos_] == ',') {
      ++pos_;
      while (true) {
        SkipSpace();
        if (AtEnd()) return false;
        if (text_[pos_] == close) break;
        std::string name = AsciiLower(ReadName());
        if (name.empty()) return Error("expected a field name");
        SkipSpace();
        if (AtEnd()) return false;
        if (text_[pos_] != '=') return Error("expected '=' after a field name");
        ++pos_;
        std::string value;
        if (!ReadValue(value)) return false;
        fields.emplace(std::move(name), std::move(value));  // BibTeX keeps the first
        if (AtEnd()) return false;
        if (text_[pos_] == ',') {
          ++pos_;
        } else if (text_[pos_] != close) {
          return Error(std::string("expected ',' or '") + close + "' after a field value");
        }
      }
    } else if (text_[pos_] != close) {
      return Error("expected ',' after the citation key");
    }
    ++pos_;
    out_.refs.push_back(MakeRef(lines_.LineOf(at), key, fields));
    return true;
  }

  static CitationRef MakeRef(int line, std::string_view key,
                             const std::map<std::string, std::string>& fields) {
    auto plain = [&](const char* name) -> std::string {
      auto it = fields.find(name);
      return it == fields.end() ? std::string() : PlainValue(it->second);
    };
    CitationRef ref;
    ref.line = line;
    ref.key = CleanText(key);
    if (auto it = fields.find("title"); it != fields.end()) {
      ref.title = CleanText(TexToText(it->second));
    }
    std::string doi_field = plain("doi");
    ref.doi = NormalizeDoi(doi_field, /*url_only=*/false);
    if (ref.doi.empty()) ref.doi = NormalizeDoi(plain("url"), /*url_only=*/true);

    std::string eprint = plain("eprint");
    std::string archive = AsciiLower(plain("archiveprefix"));
    if (archive.empty()) archive = AsciiLower(plain("eprinttype"));
    if (!eprint.empty() && (archive.empty() || archive == "arxiv")) {
      if (auto id = ParseArxivId(eprint)) {
        ref.arxiv_id = id->base;
      } else if (auto old = ParseArxivId(plain("primaryclass") + "/" + eprint)) {
        ref.arxiv_id = old->base;  // eprint = {9901001}, primaryClass = {hep-th}
      }
    }
    if (ref.arxiv_id.empty()) ref.arxiv_id = ArxivIdOfDoi(ref.doi);
    for (const char* name : {"url", "howpublished", "note", "journal", "journaltitle", "number"}) {
      if (!ref.arxiv_id.empty()) break;
      ref.arxiv_id = ArxivIdMentionedIn(plain(name));
    }
    return ref;
  }

  std::string_view text_;
  LineIndex lines_;
  CitationFile& out_;
  Problems& problems_;
  std::vector<size_t> opens_;   // offsets of every '{', ascending
  std::vector<size_t> closes_;  // offset of the matching '}' of opens_[i], or npos
  std::map<std::string, std::string> macros_;
  size_t pos_ = 0;
  size_t work_ = 0;
  size_t budget_ = 0;
  std::string error_;  // the first error of the block being read
  size_t error_pos_ = 0;
};

// ---- RIS ----

// "XX  - value" (the value may be missing on ER lines): the tag, or "".
std::string_view RisTag(std::string_view line) {
  if (line.size() < 5 || !(line[0] >= 'A' && line[0] <= 'Z') ||
      !((line[1] >= 'A' && line[1] <= 'Z') || IsDigit(line[1])) || line[2] != ' ' ||
      line[3] != ' ' || line[4] != '-' || (line.size() > 5 && line[5] != ' ')) {
    return {};
  }
  return line.substr(0, 2);
}

using RisFields = std::vector<std::pair<std::string, std::string>>;

CitationRef RisRef(int line, const RisFields& fields) {
  auto first = [&](std::initializer_list<std::string_view> tags) -> std::string {
    for (const auto& [tag, value] : fields) {
      for (std::string_view t : tags) {
        if (tag == t && !value.empty()) return value;
      }
    }
    return {};
  };
  CitationRef ref;
  ref.line = line;
  ref.key = CleanText(first({"ID"}));
  ref.title = CleanText(CollapseWhitespace(first({"TI", "T1"})));
  ref.doi = NormalizeDoi(first({"DO"}), /*url_only=*/false);
  ref.arxiv_id = ArxivIdOfDoi(ref.doi);
  // Link fields first (they name the paper itself), then the notes where
  // Zotero, Mendeley and Google Scholar put "arXiv:<id>".
  for (std::initializer_list<std::string_view> tags :
       {std::initializer_list<std::string_view>{"UR", "L1", "L2", "LK"},
        std::initializer_list<std::string_view>{"N1", "M1", "M3", "AN", "SN", "JO", "JF", "T2"}}) {
    for (const auto& [tag, value] : fields) {
      if (!ref.arxiv_id.empty()) break;
      if (std::find(tags.begin(), tags.end(), tag) != tags.end()) {
        ref.arxiv_id = ArxivIdMentionedIn(value);
      }
    }
  }
  for (const auto& [tag, value] : fields) {
    if (!ref.doi.empty()) break;
    if (tag == "UR" || tag == "L1" || tag == "L2" || tag == "LK") {
      ref.doi = NormalizeDoi(value, /*url_only=*/true);
    }
  }
  return ref;
}

// Reads RIS line by line: TY opens an entry, ER closes it, a line that is
// not "XX  - ..." continues the field before it (wrapped abstracts).
void ReadRis(std::string_view text, CitationFile& out, Problems& problems) {
  bool in_entry = false;
  bool stray_reported = false;
  int entry_line = 0;
  RisFields fields;
  auto finish = [&] {
    out.refs.push_back(RisRef(entry_line, fields));
    fields.clear();
    in_entry = false;
  };
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + (text.substr(end, 2) == "\r\n" ? 2 : 1);
    ++line_no;

    std::string_view tag = RisTag(line);
    std::string_view value = line.size() > 6 ? TrimView(line.substr(6)) : std::string_view();
    if (tag.empty()) {
      if (in_entry && !fields.empty() && !TrimView(line).empty()) {
        std::string& last = fields.back().second;
        AppendCapped(last, " ");
        AppendCapped(last, TrimView(line));
      }
      continue;
    }
    if (tag == "TY") {
      if (in_entry) {
        problems.Add(entry_line, "entry has no ER line");
        finish();
      }
      in_entry = true;
      stray_reported = false;
      entry_line = line_no;
    } else if (tag == "ER") {
      if (in_entry) {
        finish();
      } else {
        problems.Add(line_no, "ER line outside an entry");
      }
    } else if (in_entry) {
      std::string v;
      AppendCapped(v, value);
      fields.emplace_back(std::string(tag), std::move(v));
    } else if (!stray_reported) {
      problems.Add(line_no, "field outside an entry (missing TY line?)");
      stray_reported = true;
    }
  }
  if (in_entry) {
    problems.Add(entry_line, "entry has no ER line");
    finish();
  }
}

// ---- Format detection ----

// Offset of the first "@type{" or "@type(", or npos.
size_t FirstBibtexEntry(std::string_view text) {
  for (size_t at = text.find('@'); at != npos; at = text.find('@', at + 1)) {
    size_t i = at + 1;
    while (i < text.size() && IsSpace(text[i])) ++i;
    size_t name = i;
    while (i < text.size() && (IsAlnum(text[i]) || text[i] == '_' || text[i] == '-')) ++i;
    if (i == name) continue;
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i < text.size() && (text[i] == '{' || text[i] == '(')) return at;
  }
  return npos;
}

// Offset of the first line starting "TY  -", or npos.
size_t FirstRisEntry(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    if (RisTag(text.substr(pos, 6)) == "TY") return pos;
    size_t end = text.find_first_of("\r\n", pos);
    if (end == npos) break;
    pos = end + 1;
  }
  return npos;
}

// ---- CSL-JSON ----

bool IsParticle(std::string_view word) {
  static constexpr std::array<std::string_view, 21> kParticles = {
      "van", "von", "der", "den", "de",  "del", "della", "di",  "da",  "du", "la",
      "le",  "dos", "das", "des", "ter", "ten", "zu",    "vom", "zur", "dei"};
  return std::find(kParticles.begin(), kParticles.end(), word) != kParticles.end();
}

bool IsSuffix(std::string_view word) {
  static constexpr std::array<std::string_view, 7> kSuffixes = {"Jr.", "Jr",  "Sr.", "Sr",
                                                                "II",  "III", "IV"};
  return std::find(kSuffixes.begin(), kSuffixes.end(), word) != kSuffixes.end();
}

// "Forename Surname" as a CSL name: the last word is the family name, with
// the lower-case particles before it ("van der Waals") and a suffix after
// it ("Jr.") kept apart; one-word names and collaborations are literal.
void WriteName(JsonWriter& w, std::string_view raw) {
  std::string name = TexToText(raw);
  std::vector<std::string_view> words;
  for (std::string_view word : Split(name, ' ')) {
    if (!word.empty()) words.push_back(word);
  }
  w.BeginObject();
  if (words.size() < 2 || FindNoCase(name, "collaboration") != npos) {
    w.Key("literal");
    w.String(name);
    w.EndObject();
    return;
  }
  std::string_view suffix;
  if (words.size() >= 3 && IsSuffix(words.back())) {
    suffix = words.back();
    words.pop_back();
  }
  if (words.back().size() > 1 && words.back().back() == ',') {  // "King, Jr."
    words.back().remove_suffix(1);
  }
  size_t family = words.size() - 1;
  while (family > 1 && IsParticle(words[family - 1])) --family;
  auto join = [&](size_t from, size_t to) {
    std::string out;
    for (size_t i = from; i < to; ++i) {
      if (!out.empty()) out.push_back(' ');
      out.append(words[i]);
    }
    return out;
  };
  w.Key("family");
  w.String(join(family, words.size()));
  w.Key("given");
  w.String(join(0, family));
  if (!suffix.empty()) {
    w.Key("suffix");
    w.String(suffix);
  }
  w.EndObject();
}

// Reads the number of `width` digits at `s[pos]`, or 0.
int Digits(std::string_view s, size_t pos, size_t width) {
  if (pos + width > s.size()) return 0;
  int v = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (!IsDigit(s[i])) return 0;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// [year, month, day] of the first submission ("2007-04-02T19:18:42Z"), or
// year and month from the id when the date is not known.
std::vector<int> IssuedParts(const Paper& paper) {
  std::string_view s = paper.submitted;
  int year = Digits(s, 0, 4);
  if (year > 0) {
    std::vector<int> parts = {year};
    int month = s.size() > 4 && s[4] == '-' ? Digits(s, 5, 2) : 0;
    if (month >= 1 && month <= 12) {
      parts.push_back(month);
      int day = s.size() > 7 && s[7] == '-' ? Digits(s, 8, 2) : 0;
      if (day >= 1 && day <= 31) parts.push_back(day);
    }
    return parts;
  }
  if (auto id = ParseArxivId(paper.id); id && id->Year() > 0) return {id->Year(), id->Month()};
  return {};
}

}  // namespace

Result<CitationFile> ParseCitationFile(std::string_view text) {
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  size_t bibtex = FirstBibtexEntry(text);
  size_t ris = FirstRisEntry(text);
  if (bibtex == npos && ris == npos) {
    return Fail(ErrorCode::kInvalidArgument,
                "not a BibTeX or RIS file: no \"@type{\" entry and no \"TY  - \" line");
  }
  CitationFile file;
  Problems problems;
  if (ris < bibtex) {
    file.format = CitationFile::Format::kRis;
    ReadRis(text, file, problems);
  } else {
    file.format = CitationFile::Format::kBibtex;
    BibtexReader(text, file, problems).Run();
  }
  file.errors = problems.Take();
  return file;
}

std::string CslJson(const std::vector<Paper>& papers) {
  JsonWriter w;
  w.BeginArray();
  for (const Paper& paper : papers) {
    w.BeginObject();
    w.Key("id");
    w.String(paper.id);
    w.Key("type");
    w.String("article");  // CSL 1.0.2's type for preprints
    w.Key("title");
    w.String(TexToText(paper.title));
    if (!paper.authors.empty()) {
      w.Key("author");
      w.BeginArray();
      for (const std::string& author : paper.authors) WriteName(w, author);
      w.EndArray();
    }
    if (std::vector<int> parts = IssuedParts(paper); !parts.empty()) {
      w.Key("issued");
      w.BeginObject();
      w.Key("date-parts");
      w.BeginArray();
      w.BeginArray();
      for (int p : parts) w.Int(p);
      w.EndArray();
      w.EndArray();
      w.EndObject();
    }
    if (!paper.abstract.empty()) {
      w.Key("abstract");
      w.String(CollapseWhitespace(paper.abstract));
    }
    w.Key("URL");
    w.String("https://arxiv.org/abs/" + paper.id);
    w.Key("DOI");
    w.String(paper.doi.empty() ? "10.48550/arXiv." + paper.id : paper.doi);
    w.Key("number");
    w.String("arXiv:" + paper.id);
    w.Key("publisher");
    w.String("arXiv");
    w.Key("genre");
    w.String("Preprint");
    w.Key("archive");
    w.String("arXiv");
    w.EndObject();
  }
  w.EndArray();
  return w.Take();
}

}  // namespace paperpulse::http
