// Reader of the daily arXiv listing crawls written by the
// "daily-arXiv-ai-enhanced" project and its forks: JSON Lines, one file per
// listing day, one object per paper with the keys id, pdf, abs, authors[],
// title, categories[], comment and summary (key order varies by fork).
#pragma once

#include <string_view>

#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

class DailyListingJsonlReader final : public Reader {
 public:
  // "arxiv-daily-listing-jsonl".
  std::string_view Name() const override;
  // Accepts a head whose first line is a JSON object with the keys "pdf",
  // "abs" and "summary" (with "id", "pdf" and "abs" enough when the head
  // ends inside the first line).
  bool Sniff(std::string_view head, std::string_view path) const override;
  // Emits one OnPaper per line: base id (from "id", else the abs or pdf
  // URL), title (TeX accents converted, white space collapsed), abstract
  // (trimmed), authors (TeX accents converted), categories (primary first;
  // MSC/ACM class strings that the crawler mixes in are dropped), comments.
  // latest_version is the version the id or URL names, 0 when none. The
  // records carry no dates: the listing day in the file name says when arXiv
  // announced the paper (or a cross-list / replacement of it), not when it
  // was submitted, so submitted and versions are left empty. Lines that are
  // not JSON objects, lack an id or a title, or carry an unparseable id are
  // rejected.
  Status Read(ByteSource& source, RecordSink& sink) override;
};

}  // namespace paperpulse::ingest
