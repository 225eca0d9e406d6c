// BibTeX for a paper, in the shape arXiv's own "Export BibTeX citation"
// gives (an @misc entry with eprint, archivePrefix and primaryClass, as
// biblatex and natbib styles expect for arXiv preprints).
#pragma once

#include <string>
#include <vector>

#include "paperpulse/model/paper.h"

namespace paperpulse::http {

// The citation key: first author's surname, year and first significant
// title word, lower-case ASCII ("vaswani2017attention"); "arxiv" stands in
// for a missing surname.
std::string BibtexKey(const Paper& paper);

// A complete @misc entry for `paper`, ending in a newline. Field values keep
// the TeX of the title; a value whose braces do not balance (which would
// break the .bib file) has its braces removed.
std::string Bibtex(const Paper& paper);

// One entry of a BibTeX file: a paper and the keywords to give it (a library
// entry's tags, which Zotero and JabRef read back as tags).
struct BibtexFileEntry {
  const Paper* paper = nullptr;
  std::vector<std::string> keywords;
};

// `entries` as one BibTeX file, in their order, as CleanText'ed text: each
// paper's Bibtex entry with a "keywords" field when it has any (braces and
// backslashes taken out of them). Keys are BibtexKey's; of papers sharing
// one, the lowest arXiv id keeps it and the others get "a", "b", … appended
// in id order, so the file loads without duplicate keys and a key stays the
// same from one export to the next, however the entries are ordered.
std::string BibtexFile(const std::vector<BibtexFileEntry>& entries);

}  // namespace paperpulse::http
