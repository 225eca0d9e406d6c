// arXiv identifiers: the one place where ids are parsed and normalised.
//
// Accepted forms (surrounding white space is ignored):
//   new style   YYMM.NNNN (0704-1412) or YYMM.NNNNN (1501 on), e.g. 2405.04517
//   old style   archive[.SUBJ]/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136
//   each with an optional version suffix vN (N >= 1),
//   prefixed by "arXiv:" (any case) or "oai:arXiv.org:", or as an arxiv.org
//   abs/pdf URL (http/https, optional www./export., optional ".pdf").
//
// The base id is the key of a paper; the version is kept apart. The subject
// class of an old-style id is not part of its identity (arXiv resolves
// math.GT/0309136 and math/0309136 to the same paper), so it is dropped from
// the base id. The version suffix is recognised from the end of the string
// only: the letter 'v' elsewhere (e.g. "solv-int/9901001") is never split on.
#pragma once

#include <string>
#include <string_view>

#include "paperpulse/base/result.h"

namespace paperpulse {

struct ArxivId {
  std::string base;  // canonical base id: "2405.04517", "math/0309136"
  int version = 0;   // 0 when the input named no version

  // "2405.04517v2" or the base alone when version == 0.
  std::string ToString() const;
  bool IsOldStyle() const { return base.find('/') != std::string::npos; }
  // Year and month encoded in the id ("2405" -> 2024, 5).
  int Year() const;
  int Month() const;

  friend bool operator==(const ArxivId&, const ArxivId&) = default;
};

// Parses any accepted form. Errors (kInvalidArgument) quote the input.
Result<ArxivId> ParseArxivId(std::string_view input);

// A key whose byte order is the order in which arXiv assigned the ids:
// year and month, then the number within the month, then the base id (old
// style ids of different archives share numbers). "2606.26740" ->
// "202606.26740 2606.26740"; "hep-th/9901001" -> "199901.00001
// hep-th/9901001". The key depends only on the id, so it never changes
// while the paper's record does (stable cursor paging, newest first).
std::string ArxivIdOrderKey(const ArxivId& id);

// Repairs a new-style id mangled by a float conversion, then parses it:
// the lost leading zero of the year ("704.0001" -> "0704.0001") and the lost
// trailing zeros of the number ("704.2" -> "0704.2000"). Both repairs are
// unambiguous because the width of each part is fixed by the YYMM prefix.
// Anything else is parsed as by ParseArxivId. Used by CSV readers only.
Result<ArxivId> ParseMangledArxivId(std::string_view input);

}  // namespace paperpulse
