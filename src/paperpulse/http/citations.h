// Reading and writing the files citation managers (Zotero, JabRef, Mendeley)
// exchange: BibTeX and RIS in, CSL-JSON out (BibTeX out is pages/bibtex.h).
// Pure functions over text; the library import (http/library.cc) matches
// what they find against the Store.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/paper.h"

namespace paperpulse::http {

// One entry of an imported file and what identifies it.
struct CitationRef {
  int line = 0;          // 1-based line where the entry starts
  std::string key;       // BibTeX citation key, or RIS ID; may be ""
  std::string title;     // as written, TeX braces removed; may be ""
  std::string arxiv_id;  // base arXiv id when the entry names one, else ""
  std::string doi;       // "10.…" without a resolver prefix, else ""
};

struct CitationFile {
  enum class Format { kBibtex, kRis } format = Format::kBibtex;
  std::vector<CitationRef> refs;
  // Entries that could not be read at all: "line 12: unterminated entry".
  std::vector<std::string> errors;
};

// Reads a BibTeX or RIS file (told apart by content). Errors:
// kInvalidArgument when `text` is neither (nothing that looks like an entry).
Result<CitationFile> ParseCitationFile(std::string_view text);

// `papers` as a CSL-JSON array (the format Zotero and citeproc read):
// type "article", id = arXiv id, title, author (family/given), issued,
// URL, DOI (the paper's, else arXiv's 10.48550/arXiv.ID), number, publisher.
std::string CslJson(const std::vector<Paper>& papers);

}  // namespace paperpulse::http
