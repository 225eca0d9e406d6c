// Reader of Hugging Face Daily Papers JSON: the body of
// GET https://huggingface.co/api/daily_papers?date=YYYY-MM-DD (an array of
// {paper{...}, numComments, submittedBy, ...}) as saved by mirrors, in three
// layouts found in the wild:
//   - the raw array; some items may be strings holding a Python repr() of
//     the item dict (a scraper bug: "{'paper': {'id': ..., 'hidden': False}}");
//   - a wrapper object {"status", "date", "count", "data": [items]};
//   - a scraped object keyed by arXiv id: {"2401.01234": {url, title,
//     authors[], abstract, publication_date, upvotes}, ...}.
// A whole document is read into memory: a JSON array cannot be split into
// records without parsing it, and one day's list is well under 1 MB (the
// largest saved file is 2.6 MB); documents over 64 MiB are refused.
#pragma once

#include <string>
#include <string_view>

#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

class HfDailyJsonReader final : public Reader {
 public:
  // "hf-daily-json".
  std::string_view Name() const override;
  // Accepts an array whose first item is an object whose first key is
  // "paper" with an object value (and the head shows an HF item key:
  // publishedAt, numComments, upvotes or submittedOnDailyAt, or, when a huge
  // author list fills the head, the paper's "id" and "authors") or a string
  // starting with "{'paper'"; the
  // wrapper object whose "data" array starts that way; and an object whose
  // first key is an arXiv id and whose head shows the scraped keys
  // ("abstract" and "upvotes" or "publication_date"). An empty array is not
  // accepted: content cannot tell whose it is.
  bool Sniff(std::string_view head, std::string_view path) const override;
  // Daily items: one OnDailyEntry per item. The list date is the date the
  // list was fetched for: the wrapper's "date", else a YYYY-MM-DD that starts
  // the file name (daily/2025-06-02.json, daily-history/2025-01-08__...json)
  // or follows "date=" in it (a saved URL), else the UTC date of the item's
  // paper.submittedOnDailyAt (HF files an item under the UTC day it was
  // submitted on; in all saved files that date equals the file's date). An
  // item with none of these gives only OnPaper. The entry carries upvotes
  // (paper.upvotes), num_comments (numComments), submitted_by (the user name:
  // paper.submittedOnDailyBy.user, else submittedBy.name; never the full
  // name), submitted_at (paper.submittedOnDailyAt; the item's top-level
  // publishedAt is not used, it is shifted by a time zone in saved files),
  // github_repo / project_page (only http(s) URLs), github_stars, source
  // "hf". The paper: id, title, abstract (summary), authors (names in
  // order), submitted = paper.publishedAt (arXiv's v1 time).
  // Scraped objects give OnPaper only (submitted = publication_date): their
  // upvotes belong to an unknown list day (publication_date is the arXiv
  // date, not the day HF listed the paper), and no day is invented.
  // Rejects (with the item's index): items that are neither objects nor
  // parseable repr strings, lack an id or title, have a bad id, or contain
  // invalid UTF-8 (replaced before parsing so that the other items survive).
  // Errors: a document that is not JSON at all (or truncated), or too large.
  Status Read(ByteSource& source, RecordSink& sink) override;
};

// The list date a file name implies ("2025-06-02" for ".../2025-06-02.json",
// ".../2025-01-08__2025-01-09T042026__4afe37a9ac.json" and
// "...daily_papers?date=2025-06-02"), or "" when it names none. Exposed for
// tests.
std::string HfListDateFromPath(std::string_view path);

}  // namespace paperpulse::ingest
