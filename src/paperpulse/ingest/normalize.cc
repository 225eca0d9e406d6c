#include "paperpulse/ingest/normalize.h"

#include <cstdint>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/tex.h"

namespace paperpulse::ingest {
namespace {

// The alphabetic control word at the start of `s` ("ss" of "ss e"); empty
// when `s` does not start with a letter.
std::string_view ControlWord(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'))) ++n;
  return s.substr(0, n);
}

}  // namespace

std::string TexToUnicode(std::string_view s) {
  if (s.find('\\') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  bool in_math = false;
  while (i < s.size()) {
    char c = s[i];
    if (c == '$') in_math = !in_math;
    if (c != '\\' || in_math || i + 1 >= s.size()) {
      out.push_back(c);
      ++i;
      continue;
    }
    // Drop a brace group that wraps exactly one converted accent: {\'a}.
    char accent = s[i + 1];
    uint32_t mark = TexAccentMark(accent);
    bool letter_accent = accent >= 'a' && accent <= 'z';
    if (mark != 0 &&
        (!letter_accent || (i + 2 < s.size() && (s[i + 2] == '{' || s[i + 2] == ' ')))) {
      size_t j = i + 2;
      bool braced = false;
      if (j < s.size() && s[j] == ' ' && letter_accent) ++j;
      if (j < s.size() && s[j] == '{') {
        braced = true;
        ++j;
      }
      if (j < s.size() && s[j] == '\\' && j + 1 < s.size() && s[j + 1] == 'i') ++j;  // \'{\i}
      if (j < s.size() && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z'))) {
        char letter = s[j];
        size_t end = j + 1;
        if (braced) {
          if (end < s.size() && s[end] == '}') {
            ++end;
          } else {
            out.push_back(c);
            ++i;
            continue;
          }
        }
        AppendTexAccented(out, accent, letter);
        i = end;
        continue;
      }
    }
    std::string_view word = ControlWord(s.substr(i + 1));
    if (auto letter = TexLetterWord(word)) {
      out.append(*letter);
      i += 1 + word.size();
      if (i < s.size() && s[i] == ' ') {
        ++i;  // "\ss " ends the macro
      } else if (s.substr(i, 2) == "{}") {
        i += 2;  // and so does "\L{}"
      }
      continue;
    }
    out.push_back(c);
    ++i;
  }
  // Braces that only grouped a converted letter ("{á}") carry no meaning.
  std::string cleaned;
  cleaned.reserve(out.size());
  for (size_t k = 0; k < out.size(); ++k) {
    if (out[k] == '{') {
      size_t close = out.find('}', k);
      if (close != std::string::npos && close > k + 1) {
        std::string_view inner(out.data() + k + 1, close - k - 1);
        bool plain = inner.find_first_of("{\\$") == std::string_view::npos && inner.size() <= 4 &&
                     static_cast<unsigned char>(inner[0]) >= 0x80;
        if (plain) {
          cleaned.append(inner);
          k = close;
          continue;
        }
      }
    }
    cleaned.push_back(out[k]);
  }
  return cleaned;
}

std::vector<std::string> SplitArxivAuthors(std::string_view authors) {
  // Remove parenthesised affiliations first (they may contain commas).
  std::string text;
  text.reserve(authors.size());
  int depth = 0;
  for (char c : authors) {
    if (c == '(') {
      ++depth;
      continue;
    }
    if (c == ')') {
      if (depth > 0) --depth;
      continue;
    }
    if (depth == 0) text.push_back(c);
  }
  text = CollapseWhitespace(TexToUnicode(text));
  // " and " separates the last author (and all, in some records); treat it
  // and ';' like commas.
  std::string unified;
  unified.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 5, " and ") == 0) {
      unified.push_back(',');
      i += 4;
      continue;
    }
    unified.push_back(text[i] == ';' ? ',' : text[i]);
  }
  std::vector<std::string> out;
  for (auto part : Split(unified, ',')) {
    std::string name = CollapseWhitespace(part);
    if (StartsWith(name, "and ")) name = name.substr(4);
    if (!name.empty()) out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::string> SplitCategories(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == '\t' || c == '\n' || c == ';') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace paperpulse::ingest
