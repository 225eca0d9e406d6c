#include "paperpulse/ingest/harvest/arxiv_api_client.h"

#include <algorithm>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/ingest/arxiv_atom.h"
#include "paperpulse/ingest/harvest/oai_harvester.h"

namespace paperpulse::ingest::harvest {
namespace {

// Keeps what the Atom reader delivers.
class PageSink final : public RecordSink {
 public:
  explicit PageSink(ApiPage& page) : page_(page) {}
  void OnPaper(Paper paper, const SourcePos&) override { page_.papers.push_back(std::move(paper)); }
  void OnDailyEntry(DailyEntry, Paper paper, const SourcePos&) override {
    page_.papers.push_back(std::move(paper));
  }
  void OnReject(const SourcePos& pos, std::string reason) override {
    std::string line = pos.ToString();
    line.append(": ");
    line.append(reason);
    page_.rejects.push_back(std::move(line));
  }

 private:
  ApiPage& page_;
};

}  // namespace

ArxivApiClient::ArxivApiClient(PoliteClient& client, std::string endpoint)
    : client_(client), endpoint_(std::move(endpoint)) {}

std::string ArxivApiClient::QueryUrl(const ApiQuery& query) const {
  std::string url = endpoint_;
  url.push_back(url.find('?') == std::string::npos ? '?' : '&');
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first) url.push_back('&');
    first = false;
    url.append(name);
    url.push_back('=');
    url.append(UrlEncode(value));
  };
  if (!query.search_query.empty()) add("search_query", query.search_query);
  if (!query.id_list.empty()) add("id_list", query.id_list);
  add("start", std::to_string(query.start));
  add("max_results", std::to_string(query.max_results));
  return url;
}

Result<ApiPage> ArxivApiClient::Query(const ApiQuery& query) {
  const std::string url = QueryUrl(query);
  ASSIGN_OR_RETURN(HttpResponse response, client_.Get(url));
  ApiPage page;
  PageSink sink(page);
  Result<AtomFeedInfo> info = ReadAtomFeed(response.body, url, sink);
  if (info && info->is_error) {
    std::string message = "arXiv API: ";
    message.append(info->error);
    return Fail(ErrorCode::kInvalidArgument, std::move(message));
  }
  if (response.status != 200) {
    std::string message = url;
    message.append(": HTTP ");
    message.append(std::to_string(response.status));
    return Fail(ErrorCode::kIo, std::move(message));
  }
  if (!info) return tl::unexpected(info.error());
  if (!info->parse_error.empty()) {
    std::string message = url;
    message.append(": malformed feed: ");
    message.append(info->parse_error);
    return Fail(ErrorCode::kParse, std::move(message));
  }
  page.total_results = info->total_results;
  page.start_index = info->start_index;
  return page;
}

Result<std::optional<Paper>> ArxivApiClient::FetchPaper(std::string_view id) {
  ASSIGN_OR_RETURN(ArxivId parsed, ParseArxivId(id));
  ApiQuery query;
  query.id_list = parsed.ToString();
  query.max_results = 1;
  ASSIGN_OR_RETURN(ApiPage page, Query(query));
  for (Paper& p : page.papers) {
    if (p.id == parsed.base) return std::optional<Paper>(std::move(p));
  }
  return std::optional<Paper>();
}

Result<ApiPage> ArxivApiClient::Search(std::string_view search_query, int64_t start,
                                       int max_results) {
  ApiQuery query;
  query.search_query = std::string(search_query);
  query.start = std::max<int64_t>(start, 0);
  query.max_results = std::clamp(max_results, 1, 100);
  return Query(query);
}

}  // namespace paperpulse::ingest::harvest
