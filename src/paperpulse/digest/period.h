// The period a digest covers, and the key that makes "one mail per
// subscriber and period" a unique key in the outbox.
#pragma once

#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/model/subscription.h"

namespace paperpulse::digest {

struct Period {
  DigestFrequency frequency = DigestFrequency::kDaily;
  // The outbox key: "daily/2026-11-27" (the list of that day) or
  // "weekly/2026-W48" (the ISO week of the last day), so that a second run
  // for the same day or week finds the mails of the first.
  std::string key;
  std::string first;  // "YYYY-MM-DD", inclusive: the daily list's day, or 6 days before `last`
  std::string last;   // "YYYY-MM-DD", inclusive: the day the digest is for
  std::string label;  // for people: "Fri 27 Nov 2026", "week of 21–27 Nov 2026"
};

// The period of `frequency` that ends on `date` ("YYYY-MM-DD"): that day's
// list, or the seven days ending that day. Errors: kInvalidArgument for a
// malformed date.
Result<Period> PeriodEnding(DigestFrequency frequency, std::string_view date);

// 0 = Monday ... 6 = Sunday (ISO 8601 numbering minus one) of `date`.
// Precondition: a valid "YYYY-MM-DD".
int WeekdayOf(std::string_view date);

// Parses "mon".."sun" or "monday".."sunday" (any case) into 0..6; -1 otherwise.
int ParseWeekday(std::string_view name);

}  // namespace paperpulse::digest
