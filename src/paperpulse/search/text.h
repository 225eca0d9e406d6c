// Text normalisation shared by indexing, querying, snippets and the exact
// title match, so that a title pasted in any case, with other punctuation,
// with TeX markup or with Unicode letters finds the same words:
//   "Gödel's $\alpha$-Theorem"  "GODEL'S α–THEOREM"  "G\"odel's alpha theorem"
// all become the tokens  godels alpha theorem.
//
// Rules: ASCII letters are lower-cased; Latin letters with diacritics, ligatures
// and full-width / mathematical alphanumerics fold to ASCII (ß -> ss, ł -> l,
// ﬁ -> fi); Greek letters and TeX Greek commands become their names as words
// of their own (α, \alpha, \varepsilon -> alpha, epsilon); TeX accents and
// special letters (\"o, {\'e}, \v{c}, \ss, \o) fold like their Unicode forms;
// TeX formatting and symbol commands (\emph, \mathcal, \cdot) and braces are
// dropped; an apostrophe between two letters joins them ("don't" -> dont);
// every other punctuation or symbol separates words. Letters of other scripts
// are kept as they are (not case-folded).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/strings.h"  // HtmlEscape

namespace paperpulse::search {

// One word of a text: its normalised form and where it came from.
struct Token {
  std::string text;  // normalised, non-empty, at most kMaxTokenBytes bytes
  size_t begin = 0;  // byte offsets of the source span in the input
  size_t end = 0;
};

// Longer words are cut to this many bytes (no real word is this long; index
// terms have a length limit).
inline constexpr size_t kMaxTokenBytes = 64;

// The words of `text` (UTF-8; invalid bytes separate words), in order.
std::vector<Token> Tokenize(std::string_view text);

// The normalised words of `text` joined by single spaces: the key of the
// exact-title match.
std::string NormalizeText(std::string_view text);

// True for the small set of English function words that carry no meaning in a
// free-text query ("the", "of", "is", ...). They are still indexed, so phrases
// and exact titles containing them match.
bool IsStopWord(std::string_view token);

}  // namespace paperpulse::search
