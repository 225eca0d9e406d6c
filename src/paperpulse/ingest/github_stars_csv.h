// "github-stars-csv": arXiv papers scraped with the GitHub repositories they
// link to and star counts over time (We00001/GithubStars), three layouts:
//   arxiv.csv       Arxiv_ID,Title,Pdf_Link,Published_Date
//   githublink.csv  ... + Github_Link ("not_found" when none)
//   star.csv        pandas index columns + the above + one column per
//                   sampling date of the star count (a date may repeat)
// Arxiv_ID went through a float (2509.15210 -> 2509.1521) and is repaired
// with ParseMangledArxivId; Pdf_Link carries the intact id and confirms it.
//
// Every layout yields papers (id, title, submitted = Published_Date, which is
// the arXiv API's v1 date). Repository links and star counts are read past:
// the Store has no place for links of a paper outside a community pick
// (DailyEntry.github_repo belongs to a day on the HF list, and inventing a
// day would put the paper on a daily list it never was on).
#pragma once

#include <string_view>

#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

class GithubStarsCsvReader final : public Reader {
 public:
  std::string_view Name() const override { return "github-stars-csv"; }
  // Accepts a header row with Arxiv_ID, Title, Pdf_Link and Published_Date.
  bool Sniff(std::string_view head, std::string_view path) const override;
  // One paper per row. Rejected rows: bad id (named), an id that disagrees
  // with the one in Pdf_Link, an unrecognised Published_Date.
  // Errors: kParse when the header lacks Arxiv_ID or Title.
  Status Read(ByteSource& source, RecordSink& sink) override;
};

}  // namespace paperpulse::ingest
