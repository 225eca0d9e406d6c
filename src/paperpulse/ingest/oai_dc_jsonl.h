// Reader of arXiv OAI-PMH oai_dc records mirrored as JSON Lines (the
// HeinrichHartmann/arxiv_meta layout): each line is a two-element array
// ["<arXiv id>", {<Dublin Core element>: [strings], ...}] with title, creator
// ("Surname, Forenames"), subject (category *names*), description (abstract,
// then "Comment: ..."), date (v1 date, then the latest version's date),
// identifier (abs URL, journal ref, "doi:..."), type and empty lists.
#pragma once

#include <string>
#include <string_view>

#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

class OaiDcJsonlReader final : public Reader {
 public:
  // "oai-dc-jsonl".
  std::string_view Name() const override;
  // Accepts a head whose first line starts with ["<arXiv id>", { and names
  // at least one Dublin Core element (creator, title, subject, ...) as a key.
  bool Sniff(std::string_view head, std::string_view path) const override;
  // Emits one OnPaper per line: base id (the first element, else the abs URL
  // among the identifiers), title, abstract, comments (from "Comment: ..."),
  // authors "Forenames Surname [Suffix]" (from "Surname, Suffix, Forenames"
  // for "Jr."/"III"; entries without a letter or digit are dropped),
  // categories mapped from their oai_dc names ("Mathematics - Number Theory"
  // -> "math.NT", order kept so the primary stays first; MSC/ACM codes and
  // unknown names are dropped), doi (several joined by a space, as Kaggle
  // does), journal_ref. submitted = the first date (a calendar date only),
  // updated = the last. versions stay empty: dc:date has no time of day and
  // is arXiv's local date, and a date-only v1 would shadow a precise one from
  // another source in the Store. latest_version = 1 when there is a single
  // date (only v1 existed), else 0 (the number of later versions is not said).
  Status Read(ByteSource& source, RecordSink& sink) override;
};

// The arXiv category code of an oai_dc subject name ("Computer Science -
// Learning" -> "cs.LG", "Quantum Physics" -> "quant-ph"), or "" when the name
// is not a category (MSC/ACM classes, free text). Exposed for tests.
std::string_view CategoryFromOaiDcSubject(std::string_view subject);

// "Surname, Forenames" -> "Forenames Surname"; "Surname, Suffix, Forenames"
// -> "Forenames Surname Suffix"; a name without a comma is kept. TeX accents
// are converted and white space collapsed. "" for entries without a letter or
// digit. Exposed for tests.
std::string OaiDcCreatorName(std::string_view creator);

}  // namespace paperpulse::ingest
