#include "paperpulse/search/text.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace paperpulse::search {
namespace {

struct Fold {
  char32_t code_point;
  const char* ascii;
  bool word;  // a word of its own (Greek letter names)
};

constexpr Fold kFolds[] = {
#include "paperpulse/search/fold_table.inc"
};

const Fold* FindFold(char32_t cp) {
  auto it = std::lower_bound(std::begin(kFolds), std::end(kFolds), cp,
                             [](const Fold& f, char32_t c) { return f.code_point < c; });
  return it != std::end(kFolds) && it->code_point == cp ? &*it : nullptr;
}

// Decodes the UTF-8 sequence at s[i]; returns its length, or 0 when invalid.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t len;
  char32_t min;
  if (b < 0x80) {
    *cp = b;
    return 1;
  } else if ((b & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = b & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (c & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Code points that separate words: punctuation, symbols, spaces, controls
// and emoji (outside the folding table, which is consulted first).
bool IsSeparator(char32_t cp) {
  return cp < 0x80 || (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
         (cp >= 0x2B0 && cp <= 0x2FF) || (cp >= 0x374 && cp <= 0x37E) || cp == 0x387 ||
         (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x2E00 && cp <= 0x2E7F) ||
         (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE10 && cp <= 0xFE6F) ||
         (cp >= 0xFF00 && cp <= 0xFF65) || cp >= 0xFFF0;
}

bool IsCombiningMark(char32_t cp) {
  return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

bool IsApostrophe(char32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x02BC; }

// TeX commands that name a Greek letter (any case, var- forms).
const char* GreekName(std::string_view cmd) {
  static constexpr std::array<const char*, 24> kNames = {
      "alpha", "beta",  "gamma",  "delta",   "epsilon", "zeta", "eta",     "theta",
      "iota",  "kappa", "lambda", "mu",      "nu",      "xi",   "omicron", "pi",
      "rho",   "sigma", "tau",    "upsilon", "phi",     "chi",  "psi",     "omega"};
  std::string lower;
  for (char c : cmd) lower.push_back(Lower(c));
  std::string_view name = lower;
  if (name.size() > 3 && name.substr(0, 3) == "var") name.remove_prefix(3);
  for (const char* n : kNames)
    if (name == n) return n;
  return nullptr;
}

// TeX commands for letters: \ss, \o, \l, \ae, \oe, \aa, \i, \j.
const char* TexLetter(std::string_view cmd) {
  if (cmd == "ss") return "ss";
  if (cmd == "o" || cmd == "O") return "o";
  if (cmd == "l" || cmd == "L") return "l";
  if (cmd == "ae" || cmd == "AE") return "ae";
  if (cmd == "oe" || cmd == "OE") return "oe";
  if (cmd == "aa" || cmd == "AA") return "a";
  if (cmd == "i") return "i";
  if (cmd == "j") return "j";
  return nullptr;
}

// TeX accents written with a letter: \u{g}, \v{c}, \H{o}, \c{c}, ...
bool IsTexLetterAccent(std::string_view cmd) {
  return cmd.size() == 1 && std::string_view("uvHckrdbt").find(cmd[0]) != std::string_view::npos;
}

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view s) : s_(s) {}

  std::vector<Token> Run() {
    size_t i = 0;
    while (i < s_.size()) i = Step(i);
    Flush();
    return std::move(tokens_);
  }

 private:
  // Consumes what starts at s_[i]; returns the index after it.
  size_t Step(size_t i) {
    char c = s_[i];
    if (IsAsciiAlnum(c)) {
      Append(std::string_view(&c, 1), i, i + 1, /*lower=*/true);
      return i + 1;
    }
    if (c == '\\') return TexCommand(i);
    // Braces group TeX ("G{\"o}del", "{BERT}") and never split a word.
    if (c == '{' || c == '}') return i + 1;
    char32_t cp;
    size_t len = DecodeUtf8(s_, i, &cp);
    if (len == 0) {
      Flush();
      return i + 1;
    }
    if (IsApostrophe(cp)) {
      if (!cur_.empty() && LetterFollows(i + len)) return i + len;
      Flush();
      return i + len;
    }
    if (cp < 0x80) {
      Flush();
      return i + 1;
    }
    if (IsCombiningMark(cp)) return i + len;
    if (const Fold* f = FindFold(cp)) {
      if (f->word) {
        Flush();
        Word(f->ascii, i, i + len);
      } else {
        Append(f->ascii, i, i + len, false);
      }
      return i + len;
    }
    if (IsSeparator(cp)) {
      Flush();
      return i + len;
    }
    Append(s_.substr(i, len), i, i + len, false);
    return i + len;
  }

  size_t TexCommand(size_t i) {
    size_t j = i + 1;
    if (j >= s_.size()) {
      Flush();
      return j;
    }
    // \"o, \'e, \`a, \^o, \~n, \=a, \.z: the accent vanishes, the letter stays.
    if (std::string_view("\"'`^~=.").find(s_[j]) != std::string_view::npos) return j + 1;
    if (!IsAsciiAlpha(s_[j])) {  // \, \& \\ \{ ...: spacing and escaped symbols
      Flush();
      return j + 1;
    }
    size_t k = j;
    while (k < s_.size() && IsAsciiAlpha(s_[k])) ++k;
    std::string_view cmd = s_.substr(j, k - j);
    if (const char* letter = TexLetter(cmd)) {
      Append(letter, i, k, false);
      return SkipOneSpace(k);
    }
    if (IsTexLetterAccent(cmd)) return SkipOneSpace(k);
    Flush();
    if (const char* greek = GreekName(cmd)) Word(greek, i, k);
    return k;
  }

  // TeX ignores one space after a control word ("\ss e" is "ße").
  size_t SkipOneSpace(size_t k) const { return k < s_.size() && s_[k] == ' ' ? k + 1 : k; }

  bool LetterFollows(size_t i) const {
    if (i >= s_.size()) return false;
    if (IsAsciiAlnum(s_[i])) return true;
    char32_t cp;
    size_t len = DecodeUtf8(s_, i, &cp);
    if (len == 0 || cp < 0x80) return false;
    const Fold* f = FindFold(cp);
    return f ? !f->word : !IsSeparator(cp) && !IsCombiningMark(cp);
  }

  void Append(std::string_view text, size_t begin, size_t end, bool lower) {
    if (cur_.empty()) begin_ = begin;
    end_ = end;
    for (char c : text) cur_.push_back(lower ? Lower(c) : c);
  }

  void Word(const char* text, size_t begin, size_t end) {
    Append(text, begin, end, false);
    Flush();
  }

  void Flush() {
    if (cur_.empty()) return;
    if (cur_.size() > kMaxTokenBytes) {
      size_t cut = kMaxTokenBytes;
      while (cut > 0 && (static_cast<unsigned char>(cur_[cut]) & 0xC0) == 0x80) --cut;
      cur_.resize(cut);
    }
    tokens_.push_back(Token{std::move(cur_), begin_, end_});
    cur_.clear();
  }

  std::string_view s_;
  std::vector<Token> tokens_;
  std::string cur_;
  size_t begin_ = 0, end_ = 0;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view text) { return Tokenizer(text).Run(); }

std::string NormalizeText(std::string_view text) {
  std::string out;
  for (const Token& t : Tokenize(text)) {
    if (!out.empty()) out.push_back(' ');
    out += t.text;
  }
  return out;
}

bool IsStopWord(std::string_view token) {
  // Sorted; the usual short English list (as in Xapian's omega), trimmed to
  // words that never carry a topic.
  static constexpr std::string_view kStopWords[] = {
      "a",     "about", "an",    "and",  "are",  "as",    "at",   "be",   "been",  "but",
      "by",    "can",   "do",    "does", "for",  "from",  "had",  "has",  "have",  "how",
      "i",     "if",    "in",    "into", "is",   "it",    "its",  "of",   "on",    "or",
      "our",   "so",    "than",  "that", "the",  "their", "them", "then", "there", "these",
      "they",  "this",  "those", "to",   "was",  "we",    "were", "what", "when",  "where",
      "which", "while", "who",   "why",  "will", "with",  "you",  "your"};
  return std::binary_search(std::begin(kStopWords), std::end(kStopWords), token);
}

}  // namespace paperpulse::search
