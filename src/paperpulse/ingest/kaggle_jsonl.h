// Reader of the Kaggle "Cornell-University/arxiv" metadata snapshot
// (arxiv-metadata-oai-snapshot.json): JSON Lines, one object per paper with
// the 14 keys id, submitter, authors, title, comments, journal-ref, doi,
// report-no, categories, license, abstract, versions, update_date and
// authors_parsed. The full file is several GB, so it is read line by line in
// constant memory; this is the hot path of a bulk import.
#pragma once

#include <string_view>

#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

class KaggleJsonlReader final : public Reader {
 public:
  // "kaggle-jsonl".
  std::string_view Name() const override;
  // Accepts a head whose first line is a JSON object with the keys
  // "authors_parsed" and "versions" (only Kaggle writes authors_parsed). When
  // the first line is longer than the head, "submitter" and "authors" among
  // the keys seen so far suffice.
  bool Sniff(std::string_view head, std::string_view path) const override;
  // Emits one OnPaper per line: base id, title (TeX accents converted and
  // white space collapsed, as for names), abstract (trimmed, TeX kept),
  // authors from authors_parsed ("First Last Suffix", TeX accents converted,
  // affiliations in a 4th element dropped, Kaggle's "C. -P." repaired to
  // "C.-P."; the `authors` string when authors_parsed is missing or empty),
  // categories (primary first), comments, journal_ref, doi, license, versions
  // ascending with normalised dates, latest_version = highest version,
  // submitted = v1's date, updated = update_date (or the latest version's
  // date). Lines that are not JSON objects, lack an id or a title, or carry
  // an unparseable id are rejected with file:line.
  Status Read(ByteSource& source, RecordSink& sink) override;
};

}  // namespace paperpulse::ingest
