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
// (imported and visible local comments), githubRepo / githubStars /
// projectPage when known and valid, and, only when `entry` has them,
// organization {name, fullname}, ai_summary and ai_keywords (HF sends them
// only for papers that have them). `unlisted_upvotes` and
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
// numComments, submittedBy: {name}, organization: {name, fullname} when
// known}. publishedAt is the entry's own (when it entered the source's daily
// list) when the source gave one, else the paper's, as in the paper object.
void WriteHfDailyItem(JsonWriter& w, const DailyItem& item);

// One item of /api/papers/search and /api/papers/{id}/related: the item
// fields of WriteHfDailyItem for the best entry of `listing` ({paper,
// publishedAt, title, summary, numComments}, submittedBy when listed,
// organization when known), where "paper" is exactly what /api/papers/{id}
// answers (WriteHfPaper with `listing`), plus ours: "categories" (primary
// first), "score" and "snippet" (HTML, search::SearchHit).
void WriteHfSearchItem(JsonWriter& w, const Paper& paper, const PaperListing& listing, double score,
                       std::string_view snippet);

}  // namespace paperpulse::http
