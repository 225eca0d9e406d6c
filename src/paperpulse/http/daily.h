// The daily lists as the web shows them: periods (a day, an ISO week, a
// month) parsed from URLs and query parameters, the papers of a period, and
// trending papers. Shared by pages, the JSON API and feeds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/base/time.h"
#include "paperpulse/model/paper.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http {

struct Period {
  enum class Kind { kDay, kWeek, kMonth };
  Kind kind = Kind::kDay;
  CivilDate first;  // inclusive
  CivilDate last;   // inclusive
};

// A day as clients write it, like Hugging Face accepts it: "2026-06-30", the
// unpadded "2026-6-30", or an ISO timestamp ("2026-06-30T08:00:00.000Z",
// taken in UTC). Errors: kInvalidArgument naming the input.
Result<CivilDate> ParseDay(std::string_view s);

// "YYYY-MM-DD" (or unpadded / timestamp, see ParseDay), "YYYY-Www" and
// "YYYY-MM" (or "YYYY-M") as periods. Errors: kInvalidArgument.
Result<Period> DayPeriod(std::string_view s);
Result<Period> WeekPeriod(std::string_view s);
Result<Period> MonthPeriod(std::string_view s);

// The period of `kind` that contains `d`.
Period PeriodContaining(Period::Kind kind, CivilDate d);

// Canonical key and page path: "2026-06-30" / "/papers/date/2026-06-30",
// "2026-W27" / "/papers/week/2026-W27", "2026-06" / "/papers/month/2026-06".
std::string PeriodKey(const Period& p);
std::string PeriodPath(const Period& p);

// "Jun 30, 2026", "Week 27, 2026", "June 2026".
std::string PeriodLabel(const Period& p);

// A daily entry with its paper.
struct DailyItem {
  DailyEntry entry;
  Paper paper;
};

// The papers listed in `period`, most upvoted first, then earliest
// submitted. A paper listed on several days of the period appears once, with
// its most upvoted entry. Entries whose paper is missing are skipped.
// Errors: those of the Store.
Result<std::vector<DailyItem>> LoadPeriod(storage::Store& store, const Period& period);

// One page of a period's list and the length of the whole list.
struct PeriodSlice {
  std::vector<DailyItem> items;
  size_t total = 0;  // entries of the period, one per paper
};

// As LoadPeriod, but only the `limit` items from `offset` on, in `before`
// order (LoadPeriod's when null). Only their papers are read: a month of
// ~1,500 listed papers costs one indexed read per paper shown, not per
// paper listed. Errors: those of the Store.
Result<PeriodSlice> LoadPeriodSlice(storage::Store& store, const Period& period, size_t offset,
                                    size_t limit,
                                    bool (*before)(const DailyEntry&, const DailyEntry&) = nullptr);

// The entries that match `filter` (Store::DailyEntriesWhere: newest day
// first) with their papers, `offset` entries skipped, at most `limit`.
// Entries whose paper is missing are skipped, so a page may come short.
// Errors: those of the Store (kInvalidArgument for an empty filter).
Result<std::vector<DailyItem>> LoadFiltered(storage::Store& store,
                                            const storage::Store::DailyEntryFilter& filter,
                                            int limit, int offset);

// The latest day that has entries, or nullopt when there are none at all.
Result<std::optional<CivilDate>> LatestDay(storage::Store& store);

// The nearest period of the same kind before / after `period` that has
// entries (skipping empty weekends and gaps), or nullopt.
Result<std::optional<Period>> AdjacentPeriod(storage::Store& store, const Period& period,
                                             storage::Store::Direction direction);

// The order of every trending list: the higher ranking::TrendingScore of
// the entry (ranking::InputsOf) first, then more upvotes, then the earlier
// submission, then the paper id.
bool TrendingBefore(const DailyEntry& a, const DailyEntry& b);

// The trending list as of `until` (the latest listed day): the papers listed
// in the ranking::kTrendingWindowDays days up to and including `until`, in
// TrendingBefore order, at most ranking::kTrendingListSize. A paper listed on
// several of those days is one item: its earliest listing there (the day its
// age counts from, and who submitted it then) with the highest upvotes,
// comments and stars of its listings. Entries whose paper is missing are
// skipped. Errors: those of the Store.
Result<std::vector<DailyItem>> LoadTrending(storage::Store& store, CivilDate until);

// What Hugging Face's daily lists add to a paper (DailyEntry): the
// submitting organisation and the machine-written summary and keywords.
// Empty fields: no listing carries them.
struct PaperExtras {
  std::string organization;           // account name ("Tsinghua")
  std::string organization_fullname;  // display name ("Tsinghua University"), may be empty
  std::string ai_summary;
  std::vector<std::string> ai_keywords;
};

// The extras of a paper listed as `entries` (newest first, as
// Store::DailyEntriesForPaper gives them): the organisation of the newest
// entry naming one, and the summary and keywords of the newest entry that
// has a summary or keywords (the two come from one entry, so they describe
// the same text). A paper on no list has none.
PaperExtras NewestExtras(const std::vector<DailyEntry>& entries);

// What the site shows of one paper's popularity wherever it shows the paper
// alone (/api/papers/{id}, a library, a reading list): like Hugging Face, one
// upvote count per paper, that of its most upvoted daily entry; a paper on no
// daily list still shows the votes cast and comments written here.
struct PaperListing {
  std::optional<DailyEntry> best;  // its most upvoted daily entry, if any
  int64_t unlisted_upvotes = 0;    // votes cast here when it has no entry
  int64_t unlisted_comments = 0;   // comments written here when it has no entry
};

// The listing of paper `paper_id` (a base id); `best` carries the paper's
// NewestExtras, whichever entry they came from, so the API's paper object
// and the paper page name the same organisation and summary. Errors:
// those of the Store.
Result<PaperListing> LoadPaperListing(storage::Store& store, const std::string& paper_id);

// `paper` as a paper card shows it: with `listing.best`, else with an entry
// of no day carrying the unlisted counts.
DailyItem ListedItem(const Paper& paper, const PaperListing& listing);

}  // namespace paperpulse::http
