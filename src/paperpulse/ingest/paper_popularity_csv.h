// "paper-popularity-csv": per-paper tables of rmovva/LLM-publication-patterns
// (arXiv metadata joined with Semantic Scholar citation counts): a leading
// pandas index column, then id ("arXiv:2302.13971"), authors and categories
// as Python list reprs, title, abstract, versions (Kaggle repr), first_category,
// v1_date ("2023-02-27 17:11:15"), then analysis columns (cluster, domains,
// citationCount, percentile ranks, ...).
//
// Papers only: the citation counts and ranks describe a 2023 analysis, not a
// community pick, and the Store keeps no citation data.
#pragma once

#include <string_view>

#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

class PaperPopularityCsvReader final : public Reader {
 public:
  std::string_view Name() const override { return "paper-popularity-csv"; }
  // Accepts a header row with id, authors, title, categories, abstract,
  // versions and v1_date.
  bool Sniff(std::string_view head, std::string_view path) const override;
  // One paper per row. Rejected rows: bad id (named), malformed authors,
  // categories or versions, an unrecognised v1_date.
  // Errors: kParse when the header lacks id or title.
  Status Read(ByteSource& source, RecordSink& sink) override;
};

}  // namespace paperpulse::ingest
