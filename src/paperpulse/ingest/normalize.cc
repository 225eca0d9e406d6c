#include "paperpulse/ingest/normalize.h"

#include <cstdint>

#include "paperpulse/base/strings.h"

namespace paperpulse::ingest {
namespace {

// Combining diacritical marks (U+0300 block) for TeX accent commands.
uint32_t CombiningMark(char accent) {
  switch (accent) {
    case '`':
      return 0x300;
    case '\'':
      return 0x301;
    case '^':
      return 0x302;
    case '~':
      return 0x303;
    case '=':
      return 0x304;
    case 'u':
      return 0x306;
    case '.':
      return 0x307;
    case '"':
      return 0x308;
    case 'r':
      return 0x30A;
    case 'H':
      return 0x30B;
    case 'v':
      return 0x30C;
    case 'c':
      return 0x327;
    case 'k':
      return 0x328;
    default:
      return 0;
  }
}

// Precomposed forms for the common Latin letters, so that "Bal\'azs" becomes
// "Balázs" (U+00E1) and compares equal to the same name typed directly.
uint32_t Precomposed(uint32_t mark, char letter) {
  struct Entry {
    uint32_t mark;
    char letter;
    uint32_t cp;
  };
  static constexpr Entry kTable[] = {
      {0x301, 'a', 0xE1},  {0x301, 'e', 0xE9},  {0x301, 'i', 0xED},  {0x301, 'o', 0xF3},
      {0x301, 'u', 0xFA},  {0x301, 'y', 0xFD},  {0x301, 'A', 0xC1},  {0x301, 'E', 0xC9},
      {0x301, 'I', 0xCD},  {0x301, 'O', 0xD3},  {0x301, 'U', 0xDA},  {0x301, 'c', 0x107},
      {0x301, 'n', 0x144}, {0x301, 's', 0x15B}, {0x301, 'z', 0x17A}, {0x301, 'C', 0x106},
      {0x301, 'S', 0x15A}, {0x301, 'Z', 0x179}, {0x300, 'a', 0xE0},  {0x300, 'e', 0xE8},
      {0x300, 'i', 0xEC},  {0x300, 'o', 0xF2},  {0x300, 'u', 0xF9},  {0x300, 'A', 0xC0},
      {0x300, 'E', 0xC8},  {0x302, 'a', 0xE2},  {0x302, 'e', 0xEA},  {0x302, 'i', 0xEE},
      {0x302, 'o', 0xF4},  {0x302, 'u', 0xFB},  {0x303, 'a', 0xE3},  {0x303, 'n', 0xF1},
      {0x303, 'o', 0xF5},  {0x303, 'N', 0xD1},  {0x308, 'a', 0xE4},  {0x308, 'e', 0xEB},
      {0x308, 'i', 0xEF},  {0x308, 'o', 0xF6},  {0x308, 'u', 0xFC},  {0x308, 'y', 0xFF},
      {0x308, 'A', 0xC4},  {0x308, 'O', 0xD6},  {0x308, 'U', 0xDC},  {0x327, 'c', 0xE7},
      {0x327, 'C', 0xC7},  {0x327, 's', 0x15F}, {0x30C, 'c', 0x10D}, {0x30C, 's', 0x161},
      {0x30C, 'z', 0x17E}, {0x30C, 'r', 0x159}, {0x30C, 'e', 0x11B}, {0x30C, 'C', 0x10C},
      {0x30C, 'S', 0x160}, {0x30C, 'Z', 0x17D}, {0x30C, 'R', 0x158}, {0x30B, 'o', 0x151},
      {0x30B, 'u', 0x171}, {0x30B, 'O', 0x150}, {0x306, 'a', 0x103}, {0x306, 'g', 0x11F},
      {0x304, 'a', 0x101}, {0x304, 'e', 0x113}, {0x304, 'i', 0x12B}, {0x304, 'o', 0x14D},
      {0x304, 'u', 0x16B}, {0x307, 'z', 0x17C}, {0x307, 'Z', 0x17B}, {0x328, 'a', 0x105},
      {0x328, 'e', 0x119}, {0x30A, 'a', 0xE5},  {0x30A, 'A', 0xC5},  {0x30A, 'u', 0x16F},
  };
  for (const Entry& e : kTable)
    if (e.mark == mark && e.letter == letter) return e.cp;
  return 0;
}

// Letter macros: \ss -> ß etc. Returns the code point and the macro length.
uint32_t LetterMacro(std::string_view s, size_t& len) {
  struct Entry {
    std::string_view name;
    uint32_t cp;
  };
  static constexpr Entry kTable[] = {{"ss", 0xDF}, {"aa", 0xE5},  {"AA", 0xC5},  {"ae", 0xE6},
                                     {"AE", 0xC6}, {"oe", 0x153}, {"OE", 0x152}, {"o", 0xF8},
                                     {"O", 0xD8},  {"l", 0x142},  {"L", 0x141},  {"i", 0x131}};
  for (const Entry& e : kTable) {
    if (s.substr(0, e.name.size()) == e.name) {
      char next = s.size() > e.name.size() ? s[e.name.size()] : ' ';
      bool alpha = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z');
      if (!alpha) {
        len = e.name.size();
        return e.cp;
      }
    }
  }
  return 0;
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
    uint32_t mark = CombiningMark(accent);
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
        uint32_t cp = Precomposed(mark, letter);
        if (cp) {
          AppendUtf8(out, cp);
        } else {
          out.push_back(letter);
          AppendUtf8(out, mark);
        }
        i = end;
        continue;
      }
    }
    size_t len = 0;
    if (uint32_t cp = LetterMacro(s.substr(i + 1), len)) {
      AppendUtf8(out, cp);
      i += 1 + len;
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
