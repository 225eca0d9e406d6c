// When a paper is "new": arXiv's announcement rhythm, and how the Store's
// data expresses it.
//
// arXiv accepts submissions until 14:00 US Eastern time, Monday to Friday,
// and announces them at 20:00 Eastern the same day (Friday's at 20:00 on
// Sunday). 20:00 Eastern is 00:00 or 01:00 UTC of the next day, which is the
// date of the listing (arXiv's "new submissions for Tue, 1 Oct" is
// announced Monday evening in New York): listing days are Monday to Friday.
// Holidays (when arXiv skips an announcement) are not modelled.
//
// A paper is new on exactly one day: the listing day of its first version.
// Paper::submitted holds v1's timestamp (MergePaper keeps it from v1 whatever
// order the records arrive in), so revisions (v2, v3, ...) and cross-lists
// (new categories) update a paper but never move its day: "new on D" is
// AnnouncementDay(paper.submitted) == D, i.e. submitted falls in
// SubmissionWindow(D), a range the Store can query on its submitted column.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/base/time.h"
#include "paperpulse/model/paper.h"

namespace paperpulse::ingest::harvest {

// The listing day of a paper first submitted at `submitted` (a normalised
// timestamp, "YYYY-MM-DDTHH:MM:SSZ"; a date alone counts as the start of
// that day in New York). nullopt when `submitted` is empty or unreadable.
std::optional<CivilDate> AnnouncementDay(std::string_view submitted);

// AnnouncementDay(paper.submitted).
std::optional<CivilDate> NewOn(const Paper& paper);

// Whether arXiv announces on `day` (Monday to Friday).
bool IsListingDay(CivilDate day);

// Submissions announced on listing day `day`: [begin, end) as normalised UTC
// timestamps ("2026-01-05T19:00:00Z"), comparable as text with
// Paper::submitted. nullopt when `day` is no listing day.
struct TimestampRange {
  std::string begin;
  std::string end;
};
std::optional<TimestampRange> SubmissionWindow(CivilDate day);

// Whether `t` (Unix seconds) is in US daylight saving time, by the rules in
// force that year (second Sunday of March to first Sunday of November since
// 2007; first Sunday of April to last Sunday of October before). Exposed for
// tests.
bool IsUsEasternDst(int64_t unix_seconds);

}  // namespace paperpulse::ingest::harvest
