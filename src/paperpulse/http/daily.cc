#include "paperpulse/http/daily.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <unordered_map>

#include "paperpulse/base/strings.h"
#include "paperpulse/ranking/trending.h"
#include "paperpulse/ranking/trending_constants.h"

namespace paperpulse::http {
namespace {

Error Invalid(std::string_view what, std::string_view input, std::string_view expected) {
  std::string msg = "invalid ";
  msg += what;
  msg += " \"";
  msg += input.substr(0, 64);
  msg += "\": expected ";
  msg += expected;
  return Error{ErrorCode::kInvalidArgument, std::move(msg)};
}

CivilDate AddDays(CivilDate d, int64_t n) { return CivilFromDays(DaysFromCivil(d) + n); }

CivilDate LastOfMonth(int year, int month) {
  CivilDate next = month == 12 ? CivilDate{year + 1, 1, 1} : CivilDate{year, month + 1, 1};
  return AddDays(next, -1);
}

// The order of a daily list: more upvotes first, then the earlier submission.
bool DailyBefore(const DailyEntry& a, const DailyEntry& b) {
  if (a.upvotes != b.upvotes) return a.upvotes > b.upvotes;
  if (a.submitted_at != b.submitted_at) return a.submitted_at < b.submitted_at;
  return a.paper_id < b.paper_id;
}

// One entry per paper, in the order of their first entries; a later entry
// of the same paper is folded into the kept one by `merge(kept, later)`.
template <typename Merge>
std::vector<DailyEntry> OnePerPaper(std::vector<DailyEntry> entries, Merge merge) {
  std::unordered_map<std::string, size_t> kept;  // paper id -> index into out
  std::vector<DailyEntry> out;
  for (DailyEntry& e : entries) {
    auto [it, inserted] = kept.emplace(e.paper_id, out.size());
    if (inserted) {
      out.push_back(std::move(e));
    } else {
      merge(out[it->second], std::move(e));
    }
  }
  return out;
}

// Two listings of one paper as trending counts them (see LoadTrending):
// `kept` is the earlier one (the Store reads entries by date).
void CombineListings(DailyEntry& kept, DailyEntry other) {
  kept.upvotes = std::max(kept.upvotes, other.upvotes);
  kept.local_votes = std::max(kept.local_votes, other.local_votes);
  kept.num_comments = std::max(kept.num_comments, other.num_comments);
  kept.local_comments = std::max(kept.local_comments, other.local_comments);
  if (other.github_stars && (!kept.github_stars || *other.github_stars > *kept.github_stars)) {
    kept.github_stars = other.github_stars;
  }
  if (kept.github_repo.empty()) kept.github_repo = std::move(other.github_repo);
  if (kept.project_page.empty()) kept.project_page = std::move(other.project_page);
}

// Attaches their papers to `entries` (one per paper), in order, up to `max`
// items; entries whose paper is missing are skipped.
Result<std::vector<DailyItem>> WithPapers(storage::Store& store, std::vector<DailyEntry> entries,
                                          size_t max) {
  std::vector<DailyItem> items;
  items.reserve(std::min(entries.size(), max));
  for (DailyEntry& e : entries) {
    if (items.size() == max) break;
    ASSIGN_OR_RETURN(std::optional<Paper> paper, store.GetPaper(e.paper_id));
    if (!paper) continue;
    items.push_back({std::move(e), std::move(*paper)});
  }
  return items;
}

}  // namespace

Result<CivilDate> ParseDay(std::string_view s) {
  s = TrimView(s);
  size_t t = s.find_first_of("Tt ");
  if (t != std::string_view::npos) {
    // A full timestamp: the day is its UTC date, as a JavaScript client's
    // Date.toISOString() would give. The date part may be unpadded like a
    // plain date; a '+' of a UTC offset arrives as ' ' when the client did
    // not percent-encode it (form encoding).
    auto date = ParseIsoDate(s.substr(0, t));
    if (!date) return tl::unexpected(Invalid("date", s, "YYYY-MM-DD or an ISO timestamp"));
    std::string padded = FormatDate(*date);
    padded += 'T';
    for (char c : s.substr(t + 1, 64)) padded.push_back(c == ' ' ? '+' : c);
    auto normalized = NormalizeTimestamp(padded);
    if (!normalized) return tl::unexpected(Invalid("date", s, "YYYY-MM-DD or an ISO timestamp"));
    auto d = ParseIsoDate(std::string_view(*normalized).substr(0, 10));
    if (!d) return tl::unexpected(Invalid("date", s, "a date that exists"));
    return *d;
  }
  auto d = ParseIsoDate(s);
  if (!d) return tl::unexpected(Invalid("date", s, "YYYY-MM-DD, a day that exists"));
  return *d;
}

Result<Period> DayPeriod(std::string_view s) {
  ASSIGN_OR_RETURN(CivilDate d, ParseDay(s));
  return Period{Period::Kind::kDay, d, d};
}

Result<Period> WeekPeriod(std::string_view s) {
  s = TrimView(s);
  auto monday = ParseIsoWeek(s.substr(0, 16));
  if (!monday) return tl::unexpected(Invalid("week", s, "YYYY-Www, e.g. 2026-W05"));
  if (monday->year < 1 || monday->year > 9998) {
    return tl::unexpected(Invalid("week", s, "a year from 0001 to 9998"));
  }
  return Period{Period::Kind::kWeek, *monday, AddDays(*monday, 6)};
}

Result<Period> MonthPeriod(std::string_view s) {
  s = TrimView(s);
  auto parts = Split(s, '-');
  auto digits = [](std::string_view p, size_t min, size_t max) {
    return p.size() >= min && p.size() <= max &&
           p.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (parts.size() != 2 || !digits(parts[0], 4, 4) || !digits(parts[1], 1, 2)) {
    return tl::unexpected(Invalid("month", s, "YYYY-MM"));
  }
  int year = std::stoi(std::string(parts[0]));
  int month = std::stoi(std::string(parts[1]));
  if (!IsValidDate(year, month, 1)) return tl::unexpected(Invalid("month", s, "a month 01..12"));
  return Period{Period::Kind::kMonth, {year, month, 1}, LastOfMonth(year, month)};
}

Period PeriodContaining(Period::Kind kind, CivilDate d) {
  switch (kind) {
    case Period::Kind::kDay:
      return {kind, d, d};
    case Period::Kind::kWeek: {
      int64_t days = DaysFromCivil(d);
      int64_t weekday = ((days % 7) + 7 + 3) % 7;  // 0 = Monday
      CivilDate monday = CivilFromDays(days - weekday);
      return {kind, monday, AddDays(monday, 6)};
    }
    case Period::Kind::kMonth:
      return {kind, {d.year, d.month, 1}, LastOfMonth(d.year, d.month)};
  }
  return {kind, d, d};
}

std::string PeriodKey(const Period& p) {
  switch (p.kind) {
    case Period::Kind::kDay:
      return FormatDate(p.first);
    case Period::Kind::kWeek:
      return IsoWeekOf(p.first);
    case Period::Kind::kMonth: {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02d", p.first.year, p.first.month);
      return buf;
    }
  }
  return {};
}

std::string PeriodPath(const Period& p) {
  std::string path;
  switch (p.kind) {
    case Period::Kind::kDay:
      path = "/papers/date/";
      break;
    case Period::Kind::kWeek:
      path = "/papers/week/";
      break;
    case Period::Kind::kMonth:
      path = "/papers/month/";
      break;
  }
  path += PeriodKey(p);
  return path;
}

std::string PeriodLabel(const Period& p) {
  static constexpr const char* kMonthNames[] = {"January",   "February", "March",    "April",
                                                "May",       "June",     "July",     "August",
                                                "September", "October",  "November", "December"};
  static constexpr const char* kShort[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  switch (p.kind) {
    case Period::Kind::kDay:
      std::snprintf(buf, sizeof buf, "%s %d, %04d", kShort[p.first.month - 1], p.first.day,
                    p.first.year);
      return buf;
    case Period::Kind::kWeek: {
      std::string key = IsoWeekOf(p.first);  // "2026-W27"
      std::snprintf(buf, sizeof buf, "Week %d, %s", std::stoi(key.substr(6)),
                    key.substr(0, 4).c_str());
      return buf;
    }
    case Period::Kind::kMonth:
      std::snprintf(buf, sizeof buf, "%s %04d", kMonthNames[p.first.month - 1], p.first.year);
      return buf;
  }
  return {};
}

Result<std::vector<DailyItem>> LoadPeriod(storage::Store& store, const Period& period) {
  ASSIGN_OR_RETURN(PeriodSlice all,
                   LoadPeriodSlice(store, period, 0, std::numeric_limits<size_t>::max()));
  return std::move(all.items);
}

Result<PeriodSlice> LoadPeriodSlice(storage::Store& store, const Period& period, size_t offset,
                                    size_t limit,
                                    bool (*before)(const DailyEntry&, const DailyEntry&)) {
  ASSIGN_OR_RETURN(auto entries,
                   store.DailyEntriesBetween(FormatDate(period.first), FormatDate(period.last)));
  entries = OnePerPaper(std::move(entries), [](DailyEntry& kept, DailyEntry other) {
    if (other.upvotes > kept.upvotes) kept = std::move(other);
  });
  std::stable_sort(entries.begin(), entries.end(), before ? before : DailyBefore);
  PeriodSlice slice;
  slice.total = entries.size();
  if (offset >= entries.size()) return slice;
  entries.erase(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(offset));
  ASSIGN_OR_RETURN(slice.items, WithPapers(store, std::move(entries), limit));
  return slice;
}

Result<std::vector<DailyItem>> LoadFiltered(storage::Store& store,
                                            const storage::Store::DailyEntryFilter& filter,
                                            int limit, int offset) {
  ASSIGN_OR_RETURN(auto entries, store.DailyEntriesWhere(filter, limit, offset));
  size_t all = entries.size();
  return WithPapers(store, std::move(entries), all);
}

Result<std::optional<CivilDate>> LatestDay(storage::Store& store) {
  ASSIGN_OR_RETURN(auto date,
                   store.AdjacentDailyDate("9999-12-31", storage::Store::Direction::kBefore));
  if (!date) return std::optional<CivilDate>();
  auto d = ParseIsoDate(*date);
  if (!d) return std::optional<CivilDate>();
  return std::optional<CivilDate>(*d);
}

Result<std::optional<Period>> AdjacentPeriod(storage::Store& store, const Period& period,
                                             storage::Store::Direction direction) {
  bool before = direction == storage::Store::Direction::kBefore;
  std::string edge = FormatDate(before ? period.first : period.last);
  ASSIGN_OR_RETURN(auto date, store.AdjacentDailyDate(edge, direction));
  if (!date) return std::optional<Period>();
  auto d = ParseIsoDate(*date);
  if (!d) return std::optional<Period>();
  return std::optional<Period>(PeriodContaining(period.kind, *d));
}

bool TrendingBefore(const DailyEntry& a, const DailyEntry& b) {
  double sa = ranking::TrendingScore(ranking::InputsOf(a));
  double sb = ranking::TrendingScore(ranking::InputsOf(b));
  if (sa != sb) return sa > sb;
  return DailyBefore(a, b);
}

Result<std::vector<DailyItem>> LoadTrending(storage::Store& store, CivilDate until) {
  CivilDate from = AddDays(until, -(ranking::kTrendingWindowDays - 1));
  ASSIGN_OR_RETURN(auto entries, store.DailyEntriesBetween(FormatDate(from), FormatDate(until)));
  entries = OnePerPaper(std::move(entries), CombineListings);
  std::sort(entries.begin(), entries.end(), TrendingBefore);
  return WithPapers(store, std::move(entries), static_cast<size_t>(ranking::kTrendingListSize));
}

PaperExtras NewestExtras(const std::vector<DailyEntry>& entries) {
  PaperExtras x;
  bool have_ai = false;
  for (const DailyEntry& e : entries) {
    if (x.organization.empty() && !e.organization.empty()) {
      x.organization = e.organization;
      x.organization_fullname = e.organization_fullname;
    }
    if (!have_ai && (!e.ai_summary.empty() || !e.ai_keywords.empty())) {
      x.ai_summary = e.ai_summary;
      x.ai_keywords = e.ai_keywords;
      have_ai = true;
    }
  }
  return x;
}

Result<PaperListing> LoadPaperListing(storage::Store& store, const std::string& paper_id) {
  ASSIGN_OR_RETURN(std::vector<DailyEntry> entries, store.DailyEntriesForPaper(paper_id));
  PaperListing out;
  PaperExtras extras = NewestExtras(entries);
  for (DailyEntry& e : entries) {
    if (!out.best || e.upvotes > out.best->upvotes) out.best = std::move(e);
  }
  if (out.best) {
    out.best->organization = std::move(extras.organization);
    out.best->organization_fullname = std::move(extras.organization_fullname);
    out.best->ai_summary = std::move(extras.ai_summary);
    out.best->ai_keywords = std::move(extras.ai_keywords);
    return out;
  }
  ASSIGN_OR_RETURN(std::optional<PaperPopularity> pop, store.GetPopularity(paper_id));
  if (pop) {
    out.unlisted_upvotes = pop->upvotes();
    out.unlisted_comments = pop->local_comments;
  }
  return out;
}

DailyItem ListedItem(const Paper& paper, const PaperListing& listing) {
  DailyItem item;
  item.paper = paper;
  if (listing.best) {
    item.entry = *listing.best;
  } else {
    item.entry.paper_id = paper.id;
    item.entry.upvotes = listing.unlisted_upvotes;
    item.entry.num_comments = listing.unlisted_comments;
  }
  return item;
}

}  // namespace paperpulse::http
