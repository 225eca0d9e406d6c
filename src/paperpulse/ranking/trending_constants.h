// The constants of the trending formula (trending.h), in one place with
// their reasons. Changing one changes every trending list at once; the
// stored scores are recomputed by `paperpulse reindex`.
#pragma once

namespace paperpulse::ranking {

// A paper's weight halves every this many days: a paper needs twice the
// votes of one listed a week later to rank level with it. Hugging Face's
// trending page and its weekly digest are both week-scale; a day-scale
// half-life would make "trending" a copy of today's list.
inline constexpr double kHalfLifeDays = 7.0;

// GitHub stars per vote-equivalent. Stars come from a wider audience than
// the site's voters and arrive in far larger numbers (a popular repository
// gathers thousands), so they count, but twenty to one: a 2,000-star
// repository weighs like 100 votes.
inline constexpr double kStarsPerVote = 20.0;

// Days of age given to a paper with no usable date: far enough in the past
// that it sinks below everything dated (the epoch of the day count).
inline constexpr int kUnknownDateDays = 0;

// The trending list (/papers/trending, its feed and the daily API's
// sort=trending over the same days) considers the papers listed in this many
// days up to the latest list. One half-life: older papers would need more
// than twice the votes of this week's to place, and those that could are
// last week's news.
inline constexpr int kTrendingWindowDays = 7;

// Papers on the trending list: a page of cards, and the feed's default.
inline constexpr int kTrendingListSize = 50;

}  // namespace paperpulse::ranking
