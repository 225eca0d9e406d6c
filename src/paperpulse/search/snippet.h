// Result snippets: a short passage of a text around the words a query
// matched, HTML-escaped, with those words wrapped in <mark>...</mark>.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "paperpulse/search/text.h"

namespace paperpulse::search {

// Decides whether a word of the text (a Token of Tokenize) matched the query.
using MatchFn = std::function<bool(const Token&)>;

// The window of at most `max_words` words of `text` holding the most distinct
// matched words (ties: the earliest), as HTML: escaped text, matched words in
// <mark>, "…" where the text was cut. When nothing matches (or `is_match` is
// empty), the beginning of `text`. Never cuts inside a UTF-8 sequence.
std::string MakeSnippet(std::string_view text, const MatchFn& is_match, size_t max_words = 40);

}  // namespace paperpulse::search
