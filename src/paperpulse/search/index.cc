#include "paperpulse/search/index.h"

#include <filesystem>

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

std::string_view PhaseName(IndexBuildStatus::Phase phase) {
  switch (phase) {
    case IndexBuildStatus::Phase::kNone:
      return "none";
    case IndexBuildStatus::Phase::kLookup:
      return "lookup";
    case IndexBuildStatus::Phase::kFull:
      return "full";
    case IndexBuildStatus::Phase::kMerging:
      return "merging";
  }
  return "none";
}

std::string IndexDir(std::string_view data_dir) {
  return (std::filesystem::path(data_dir) / "search").string();
}

}  // namespace paperpulse::search
