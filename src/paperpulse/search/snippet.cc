#include "paperpulse/search/snippet.h"

#include <map>
#include <vector>

namespace paperpulse::search {

std::string MakeSnippet(std::string_view text, const MatchFn& is_match, size_t max_words) {
  std::vector<Token> tokens = Tokenize(text);
  if (tokens.empty() || max_words == 0) return HtmlEscape(text);
  std::vector<bool> matched(tokens.size(), false);
  if (is_match) {
    for (size_t i = 0; i < tokens.size(); ++i) matched[i] = is_match(tokens[i]);
  }

  // Sliding window over the words: count distinct matched words inside.
  size_t best_start = 0, best_distinct = 0, best_total = 0;
  std::map<std::string_view, int> in_window;
  size_t total = 0;
  for (size_t end = 0; end < tokens.size(); ++end) {
    if (matched[end]) {
      ++in_window[tokens[end].text];
      ++total;
    }
    if (end >= max_words) {
      size_t out = end - max_words;
      if (matched[out]) {
        --total;
        if (--in_window[tokens[out].text] == 0) in_window.erase(tokens[out].text);
      }
    }
    size_t start = end >= max_words ? end - max_words + 1 : 0;
    if (in_window.size() > best_distinct ||
        (in_window.size() == best_distinct && total > best_total)) {
      best_distinct = in_window.size();
      best_total = total;
      best_start = start;
    }
  }
  // Start a little before the first match so it reads as a sentence.
  if (best_distinct > 0) {
    size_t first = best_start;
    while (first < tokens.size() && !matched[first]) ++first;
    size_t lead = std::min<size_t>(5, max_words / 4);
    best_start = first > lead ? first - lead : 0;
  }
  size_t last = std::min(tokens.size(), best_start + max_words) - 1;

  std::string out;
  size_t from = best_start == 0 ? 0 : tokens[best_start].begin;
  if (best_start > 0) out += "\xE2\x80\xA6";  // …
  size_t cursor = from;
  for (size_t i = best_start; i <= last; ++i) {
    out += HtmlEscape(text.substr(cursor, tokens[i].begin - cursor));
    std::string_view word = text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
    if (matched[i]) {
      out += "<mark>";
      out += HtmlEscape(word);
      out += "</mark>";
    } else {
      out += HtmlEscape(word);
    }
    cursor = tokens[i].end;
  }
  if (last + 1 < tokens.size()) {
    out += "\xE2\x80\xA6";
  } else {
    out += HtmlEscape(text.substr(cursor));
  }
  return out;
}

}  // namespace paperpulse::search
