// The arXiv query API (export.arxiv.org/api/query, Atom): single papers by
// id (what a user submission needs) and small searches. It goes through a
// PoliteClient, so it shares the process's rate limiter with the OAI-PMH
// harvester; bulk metadata belongs to the harvester, not to this API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/ingest/harvest/polite_client.h"
#include "paperpulse/model/paper.h"

namespace paperpulse::ingest::harvest {

inline constexpr std::string_view kArxivApiEndpoint = "https://export.arxiv.org/api/query";

// The API's own parameters, sent as given (empty ones are left out).
struct ApiQuery {
  std::string search_query;  // "all:electron", "cat:cs.CL AND ti:transformer", ...
  std::string id_list;       // comma-separated ids ("2405.04517,hep-th/9901001v2")
  int64_t start = 0;
  int max_results = 10;
};

struct ApiPage {
  std::vector<Paper> papers;   // in feed order
  int64_t total_results = -1;  // opensearch:totalResults, -1 when absent
  int64_t start_index = -1;
  // Entries that could not be used, "<position>: <reason>".
  std::vector<std::string> rejects;
};

class ArxivApiClient {
 public:
  // Borrows `client`, which must outlive this object.
  explicit ArxivApiClient(PoliteClient& client,
                          std::string endpoint = std::string(kArxivApiEndpoint));

  // One page of results. Errors: kInvalidArgument with the API's message
  // when it answers with an error feed (bad id, bad query; HTTP 400);
  // kParse when the answer is not an Atom feed or is cut short; kUnavailable
  // when the fetch failed (see PoliteClient::Get); kIo for an HTTP status
  // other than 200 without an error feed.
  Result<ApiPage> Query(const ApiQuery& query);

  // The paper `id` names (any form ParseArxivId accepts; a version suffix
  // asks for that version's metadata). nullopt when arXiv has no such
  // paper. Errors: kInvalidArgument for an id that does not parse (checked
  // before any request) and as Query().
  Result<std::optional<Paper>> FetchPaper(std::string_view id);

  // Up to `max_results` (1..100: a small query, not a harvest) papers of a
  // search, starting at `start`. Errors as Query().
  Result<ApiPage> Search(std::string_view search_query, int64_t start, int max_results);

  // The request URL of `query`.
  std::string QueryUrl(const ApiQuery& query) const;

 private:
  PoliteClient& client_;
  std::string endpoint_;
};

}  // namespace paperpulse::ingest::harvest
