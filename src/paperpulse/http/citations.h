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
  std::vector<CitationRef> refs;  // in file order
  // Problems, in file order, for the reader to see: entries that could not
  // be read at all and are not in `refs` ("line 12: unterminated entry"),
  // and RIS entries read without their closing ER line ("line 40: entry has
  // no ER line"). At most 50 in full, then one "... and N more".
  std::vector<std::string> errors;
};

// Reads a BibTeX or RIS file (told apart by content: whichever of an
// "@type{" entry and a line starting "TY  - " comes first; a UTF-8 byte
// order mark and CRLF line ends are fine). Takes any bytes: the work is
// linear in the size of `text` (a file too damaged to read within a few
// passes is read up to that point and reported), nesting never recurses,
// and the strings returned are valid UTF-8.
//
// arXiv ids come, in this order, from a BibTeX eprint (unless
// archivePrefix/eprinttype names another archive), an arXiv DOI
// (10.48550/arXiv.ID), and fields naming arxiv.org/abs|pdf/ID or
// "arXiv:ID" (url, howpublished, note, journal, number; RIS links, then
// notes). The DOI is the doi/DO field's, else a doi.org link's.
//
// Errors: kInvalidArgument when `text` is neither (nothing that looks like
// an entry). A readable file with no usable entry is not an error.
Result<CitationFile> ParseCitationFile(std::string_view text);

// `papers` as a CSL-JSON array (the format Zotero and citeproc read):
// type "article" with genre "Preprint", id = arXiv id, title (TeX accents
// as text, math kept), author (family/given split from "Forename Surname",
// particles such as "van der" kept with the family name; one-word names
// and collaborations as literal), issued (the first submission date, else
// year and month of the id), abstract, URL, DOI (the paper's, else arXiv's
// 10.48550/arXiv.ID), number "arXiv:ID", publisher and archive "arXiv".
// Always valid JSON, whatever the papers contain.
std::string CslJson(const std::vector<Paper>& papers);

}  // namespace paperpulse::http
