#include "paperpulse/http/index_status.h"

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/http/app.h"

namespace paperpulse::http {
namespace {

std::string Duration(int64_t seconds) {
  int64_t minutes = (seconds + 30) / 60;
  if (minutes < 120) return std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
  int64_t hours = (minutes + 30) / 60;
  return std::to_string(hours) + " hours";
}

// ", about 12 minutes left".
std::string TimeLeft(int64_t seconds) {
  if (seconds < 60) return ", less than a minute left";
  return ", about " + Duration(seconds) + " left";
}

}  // namespace

std::optional<search::IndexBuildStatus> RunningIndexBuild(const Context& ctx) {
  if (!ctx.options.index_build) return std::nullopt;
  search::IndexBuildStatus s = ctx.options.index_build();
  if (s.phase == search::IndexBuildStatus::Phase::kNone) return std::nullopt;
  return s;
}

std::string IndexBuildSentence(const std::optional<search::IndexBuildStatus>& build) {
  using Phase = search::IndexBuildStatus::Phase;
  if (!build) return "";
  std::string out = "The full-text index is being built";
  switch (build->phase) {
    case Phase::kNone:
      return "";
    case Phase::kLookup:
      out += " (first, a quick pass over ids, titles and authors";
      if (build->total > 0) {
        out += ": " + std::to_string(build->done * 100 / build->total) + "%";
      }
      out += ").";
      return out;
    case Phase::kFull:
      if (build->total > 0) {
        out += ": " + std::to_string(std::min<int64_t>(build->done * 100 / build->total, 99)) +
               "% of " + WithThousands(build->total) + " papers";
      }
      if (build->eta_seconds >= 0) out += TimeLeft(build->eta_seconds);
      out += ".";
      return out;
    case Phase::kMerging:
      out += ": the last step (merging) is running.";
      return out;
  }
  return "";
}

Result<search::SearchResults> SearchOrFindId(const Context& ctx, std::string_view query,
                                             const search::SearchOptions& options) {
  auto results = ctx.index->Search(query, options);
  bool no_answer = results ? results->partial && results->hits.empty()
                           : results.error().code == ErrorCode::kUnavailable;
  bool plain =
      options.offset == 0 && options.category.empty() && options.from.empty() && options.to.empty();
  if (!no_answer || !plain) return results;
  auto id = ParseArxivId(TrimView(query));
  if (!id) return results;
  auto found = [&]() -> Result<std::optional<search::SearchHit>> {
    ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
    ASSIGN_OR_RETURN(std::optional<Paper> paper, store->GetPaper(id->base));
    if (!paper) return std::nullopt;
    ASSIGN_OR_RETURN(std::optional<PaperPopularity> popularity, store->GetPopularity(paper->id));
    search::SearchHit hit;
    hit.id = paper->id;
    hit.title = paper->title;
    hit.authors = paper->authors;
    hit.categories = paper->categories;
    hit.published_at = paper->submitted;
    hit.upvotes = popularity ? popularity->upvotes() : 0;
    return hit;
  }();
  // The Store failing too: the index's answer (or error) stands.
  if (!found || !*found) return results;
  search::SearchResults out;
  out.hits.push_back(std::move(**found));
  out.total_estimate = 1;
  out.partial = true;
  return out;
}

}  // namespace paperpulse::http
