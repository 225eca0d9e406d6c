// BibTeX for a paper, in the shape arXiv's own "Export BibTeX citation"
// gives (an @misc entry with eprint, archivePrefix and primaryClass, as
// biblatex and natbib styles expect for arXiv preprints).
#pragma once

#include <string>

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

}  // namespace paperpulse::http
