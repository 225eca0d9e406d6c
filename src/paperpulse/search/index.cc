#include "paperpulse/search/index.h"

#include <cmath>
#include <filesystem>

#include "paperpulse/base/time.h"
#include "paperpulse/search/index_writer.h"

namespace paperpulse::search {

Result<SortOrder> ParseSortOrder(std::string_view s) {
  if (s == "relevance") return SortOrder::kRelevance;
  if (s == "date") return SortOrder::kDate;
  if (s == "upvotes") return SortOrder::kUpvotes;
  if (s == "trending") return SortOrder::kTrending;
  std::string msg = "unknown sort order '";
  msg += s;
  msg += "' (use relevance, date, upvotes or trending)";
  return Fail(ErrorCode::kInvalidArgument, msg);
}

std::string IndexDir(std::string_view data_dir) {
  return (std::filesystem::path(data_dir) / "search").string();
}

double TrendingScore(int64_t upvotes, std::string_view date) {
  double days = 0;
  if (date.size() >= 10) {
    if (auto d = ParseIsoDate(date.substr(0, 10))) days = static_cast<double>(DaysFromCivil(*d));
  }
  return std::log2(1.0 + static_cast<double>(std::max<int64_t>(upvotes, 0))) + days / 7.0;
}

}  // namespace paperpulse::search
