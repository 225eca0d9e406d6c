// The Hugging Face daily-papers JSON shape (GET /api/daily_papers of
// huggingface.co), written from our model so HF clients work unchanged.
#pragma once

#include <string>
#include <string_view>

#include "paperpulse/http/daily.h"
#include "paperpulse/http/json_writer.h"
#include "paperpulse/model/paper.h"

namespace paperpulse::http {

// A stored timestamp ("2026-06-25T08:00:00Z" or "2026-06-25") in HF's form
// "2026-06-25T08:00:00.000Z"; `fallback` (a date or timestamp) when `ts` is
// empty or unrecognised.
std::string HfTimestamp(std::string_view ts, std::string_view fallback);

// The "paper" object: id, authors [{name, hidden}], publishedAt,
// submittedOnDailyAt (when `entry`), title, summary, upvotes, numComments
// (imported and visible local comments), and githubRepo / githubStars /
// projectPage when known and valid. `unlisted_upvotes` and
// `unlisted_comments` are the counts shown when there is no entry (a paper
// voted or commented on here but never listed).
void WriteHfPaper(JsonWriter& w, const Paper& paper, const DailyEntry* entry,
                  int64_t unlisted_upvotes = 0, int64_t unlisted_comments = 0);

// The "paper" object of `paper` with the entry and counts of its `listing`:
// what /api/papers/{id} answers.
void WriteHfPaper(JsonWriter& w, const Paper& paper, const PaperListing& listing);

// The members of WriteHfPaper's object without its braces, for objects that
// extend it (a library item is the paper object plus the entry's fields).
void WriteHfPaperFields(JsonWriter& w, const Paper& paper, const PaperListing& listing);

// One item of /api/daily_papers: {paper, publishedAt, title, summary,
// numComments, submittedBy: {name}}.
void WriteHfDailyItem(JsonWriter& w, const DailyItem& item);

}  // namespace paperpulse::http
