// Field normalisation shared by all readers, so that the same paper read from
// different formats ends up with the same strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace paperpulse::ingest {

// Splits an arXiv author string ("A. One, B. Two and C. Three", also with
// ";" or " and " only, and with parenthesised affiliations "(CERN)" which are
// dropped) into names in order. TeX accents are converted (see TexToUnicode),
// white space is collapsed, empty names are dropped.
std::vector<std::string> SplitArxivAuthors(std::string_view authors);

// Converts the TeX accent and letter macros that occur in arXiv names and
// titles to UTF-8: \'a \'{a} {\'a} \"o \`e \^o \~n \c{c} \v{s} \H{o} \u{a}
// \={a} \.{z} \k{a} \r{a} \d{a} \b{a}, \ss \o \O \aa \AA \ae \AE \oe \l \L \i \j
// (the tables of base/tex.h). Anything else is left as it is (math such as
// $\alpha$ is kept for KaTeX).
std::string TexToUnicode(std::string_view s);

// Splits a category list ("hep-ph math.CO", "cs.CL,cs.AI", Python-repr
// "['cs.CL', 'cs.AI']" is NOT handled here) on spaces and commas.
std::vector<std::string> SplitCategories(std::string_view s);

}  // namespace paperpulse::ingest
