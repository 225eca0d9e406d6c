// Text helpers of the web layer: escaping for HTML, XML and URLs, excerpts
// and display dates. Every function takes and returns UTF-8.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paperpulse/base/strings.h"  // HtmlEscape

namespace paperpulse::http {

// `s` with every byte outside RFC 3986 "unreserved" percent-encoded: safe as
// one path segment or one query value.
std::string UrlEncode(std::string_view s);

// `path` with a query of the `params` whose values are not empty, in order,
// values UrlEncode'd: ("/search", {{"q", "a b"}, {"sort", ""}}) ->
// "/search?q=a%20b". Names are written as they are.
std::string WithQuery(std::string_view path,
                      std::initializer_list<std::pair<std::string_view, std::string_view>> params);

// `s` with invalid UTF-8 sequences replaced by U+FFFD and C0 control
// characters other than tab/newline dropped (XML 1.0 forbids them, JSON
// needs them escaped, browsers show garbage).
std::string CleanText(std::string_view s);

// The start of `text`, at most about `max_bytes` long, cut at a word boundary
// with "…" appended when anything was cut. Never cuts inside a UTF-8
// sequence or leaves a $...$ math span open (KaTeX would then show raw TeX).
std::string Excerpt(std::string_view text, size_t max_bytes);

// "Ada Lovelace, Alan Turing, Grace Hopper et al." for more than `max` names.
std::string ShortAuthorList(const std::vector<std::string>& authors, size_t max);

// "YYYY-MM-DD..." (a date or timestamp) as "Jun 30, 2026"; `s` itself when
// it does not start with a valid date.
std::string DisplayDate(std::string_view s);

}  // namespace paperpulse::http
