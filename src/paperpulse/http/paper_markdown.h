// A paper as Markdown ("/papers/{id}.md", and the paper page asked for
// text/markdown), as Hugging Face serves its paper pages to LLM tools: one
// plain-text document with the title, authors, links, what the daily lists
// say of the paper, and the abstract with its TeX as written.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/http/daily.h"
#include "paperpulse/model/paper.h"

namespace paperpulse::http {

// The Markdown document of `paper` listed as `entries` (newest first):
//
//   # Title
//   **Authors:** ...
//   - links (arXiv abstract and PDF; this site's page when `base_url` is
//     set), categories, dates, upvotes and comments (the best of its
//     listings, as the page shows), organisation, GitHub / project page
//   ## AI summary (from Hugging Face), AI keywords  (when known)
//   ## Abstract
//
// Text is kept as the source has it, TeX included ($...$ is not escaped:
// LLM tools and Markdown renderers with math read it as is). Only what
// would change the document's structure is neutralised: a text line that
// would start a heading (ATX "#", or a setext underline of "=" / "-") or a
// code fence ("```", "~~~") gets a backslash before it, and leading white
// space is dropped from every line (four spaces would start a code block).
// Invalid UTF-8 becomes U+FFFD. `base_url` ("https://papers.example.org",
// no trailing slash) may be empty: links to this site are then left out.
std::string PaperMarkdown(const Paper& paper, const std::vector<DailyEntry>& entries,
                          std::string_view base_url);

// True when an Accept header value (RFC 9110 §12.5.1) prefers
// text/markdown to text/html: the q-value of text/markdown, taken from
// the most specific range that matches it (text/markdown, text/*, */*), is
// above zero and above that of text/html. Ties go to HTML, so browsers
// (whose Accept lists text/html first and */* with a lower q) and clients
// without an Accept header get the page. Ranges with a malformed q-value
// are ignored; parameters other than q do not matter.
bool PrefersMarkdown(std::string_view accept);

}  // namespace paperpulse::http
