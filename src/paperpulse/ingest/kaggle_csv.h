// "kaggle-csv": the Kaggle arXiv metadata snapshot saved as CSV by pandas.
//
// Columns (by name, any order, a leading pandas index column allowed):
// id, submitter, authors, title, comments, journal-ref, doi, report-no,
// categories, license, abstract, versions, update_date, authors_parsed.
// The pandas round trip leaves two scars: `id` went through a float
// ("0704.0010" -> "704.001"; repaired with ParseMangledArxivId), and the list
// columns `versions` and `authors_parsed` are Python repr strings, not JSON.
// `update_date` is written MM/DD/YYYY.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/ingest/reader.h"
#include "paperpulse/model/paper.h"

namespace paperpulse::ingest {

class KaggleCsvReader final : public Reader {
 public:
  std::string_view Name() const override { return "kaggle-csv"; }
  // Accepts a CSV header row with id, title, abstract, categories, versions
  // and authors_parsed.
  bool Sniff(std::string_view head, std::string_view path) const override;
  // One paper per row. Rejected rows: bad id (named), unparsable versions,
  // unrecognised update_date, and the CSV-level faults of ReadCsvRecords.
  // Errors: kParse when the header lacks id, title or versions.
  Status Read(ByteSource& source, RecordSink& sink) override;
};

// Parses a Kaggle `versions` value, "[{'version': 'v1', 'created': 'Mon, 2
// Apr 2007 19:18:42 GMT'}, ...]" (Python repr; JSON parses the same), into
// versions sorted by number with normalised dates. Errors: kParse for a
// malformed literal, a version not written vN, or an unrecognised date.
Result<std::vector<PaperVersion>> ParseKaggleVersions(std::string_view text);

// Parses a Kaggle `authors_parsed` value, "[['Balázs', 'C.', ''], ['Iliev',
// 'Bozhidar Z.', '', 'affiliation']]" (keyname, forenames, suffix, then
// affiliations, which are dropped), into "Forenames Keyname Suffix" names.
// Errors: kParse for a malformed literal or an entry that is not a list of
// strings.
Result<std::vector<std::string>> ParseKaggleAuthorsParsed(std::string_view text);

// Stores `versions` (ascending) in `paper` and derives from them what they
// tell: `submitted` (the date of v1), `updated` (the date of the latest
// version) and `latest_version`. Fields already set are overwritten only
// where the versions say something.
void ApplyVersions(std::vector<PaperVersion> versions, Paper& paper);

}  // namespace paperpulse::ingest
