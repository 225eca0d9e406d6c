#include "paperpulse/ingest/harvest/oai_harvester.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <initializer_list>

#include "paperpulse/base/time.h"
#include "paperpulse/ingest/oai_pmh.h"

namespace paperpulse::ingest::harvest {
namespace {

// Concatenation without `"literal" + std::to_string(n)`, on which GCC 12
// warns falsely (-Wrestrict).
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

std::string Query(std::string_view endpoint) {
  std::string url(endpoint);
  url.push_back(url.find('?') == std::string::npos ? '?' : '&');
  return url;
}

void AddParam(std::string& url, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  url.push_back('&');
  url.append(name);
  url.push_back('=');
  url.append(UrlEncode(value));
}

std::string NowTimestamp(Clock& clock) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch());
  return FormatUnixTimestamp(seconds.count());
}

std::string PageName(int64_t page) { return Cat({"page ", std::to_string(page)}); }

Error WithContext(const Error& e, std::string_view prefix, std::string_view suffix = {}) {
  std::string message(prefix);
  message.append(e.message);
  message.append(suffix);
  return Error{e.code, std::move(message)};
}

}  // namespace

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string ListRecordsUrl(std::string_view endpoint, std::string_view format, std::string_view set,
                           std::string_view from, std::string_view until) {
  std::string url = Query(endpoint);
  url.append("verb=ListRecords");
  AddParam(url, "metadataPrefix", format);
  AddParam(url, "set", set);
  AddParam(url, "from", from);
  AddParam(url, "until", until);
  return url;
}

std::string ResumptionUrl(std::string_view endpoint, std::string_view token) {
  std::string url = Query(endpoint);
  url.append("verb=ListRecords");
  AddParam(url, "resumptionToken", token);
  return url;
}

OaiHarvester::OaiHarvester(storage::Store& store, PoliteClient& client, HarvestOptions options)
    : store_(store), client_(client), options_(std::move(options)) {
  if (!options_.on_reject) {
    options_.on_reject = [](const SourcePos& pos, const std::string& reason) {
      spdlog::warn("harvest: {}: {}", pos.ToString(), reason);
    };
  }
  options_.max_page_tries = std::max(options_.max_page_tries, 1);
}

Status OaiHarvester::Validate() const {
  if (options_.endpoint.empty()) return Fail(ErrorCode::kInvalidArgument, "no OAI-PMH endpoint");
  if (options_.format != "arXivRaw" && options_.format != "arXiv" && options_.format != "oai_dc") {
    return Fail(ErrorCode::kInvalidArgument,
                Cat({"unknown format \"", options_.format, "\" (arXivRaw, arXiv or oai_dc)"}));
  }
  for (const std::string* date : {&options_.from, &options_.until}) {
    if (date->empty()) continue;
    Result<CivilDate> parsed = ParseIsoDate(*date);
    if (!parsed) return tl::unexpected(parsed.error());
  }
  if (!options_.from.empty() && !options_.until.empty() && options_.from > options_.until) {
    return Fail(ErrorCode::kInvalidArgument,
                Cat({"--from ", options_.from, " is after --until ", options_.until}));
  }
  return Ok();
}

Result<Checkpoint> OaiHarvester::StartingPoint() {
  ASSIGN_OR_RETURN(std::optional<Checkpoint> stored, LoadCheckpoint(store_));
  bool unfinished = stored && !stored->complete && !stored->resumption_token.empty();
  if (unfinished && stored->endpoint == options_.endpoint && stored->set == options_.set &&
      stored->format == options_.format &&
      (options_.from.empty() || options_.from == stored->from) &&
      (options_.until.empty() || options_.until == stored->until)) {
    report_.resumed = true;
    return *stored;
  }
  if (unfinished) {
    spdlog::info(
        "harvest: leaving the unfinished window from {} (set \"{}\", page {}) for a new one",
        stored->from.empty() ? "the beginning" : stored->from, stored->set, stored->pages);
  }
  Checkpoint c;
  c.endpoint = options_.endpoint;
  c.set = options_.set;
  c.format = options_.format;
  c.until = options_.until;
  // Another set's progress says nothing about this one.
  if (stored && stored->set == options_.set) c.harvested_through = stored->harvested_through;
  c.from = options_.from.empty() ? c.harvested_through : options_.from;
  c.started_at = NowTimestamp(client_.clock());
  return c;
}

Status OaiHarvester::Run() {
  start_ = client_.clock().SteadyNow();
  report_ = HarvestReport{};
  RETURN_IF_ERROR(Validate());
  ASSIGN_OR_RETURN(checkpoint_, StartingPoint());
  report_.checkpoint = checkpoint_;
  while (!checkpoint_.complete) {
    if (options_.stop != nullptr && options_.stop->load()) {
      return Fail(ErrorCode::kUnavailable,
                  Cat({"harvest stopped after page ", std::to_string(checkpoint_.pages),
                       "; a re-run continues from there"}));
    }
    bool restart = false;
    Status page = HarvestPage(restart);
    report_.seconds = std::chrono::duration<double>(client_.clock().SteadyNow() - start_).count();
    RETURN_IF_ERROR(page);
    if (!restart) continue;
    if (report_.restarts >= options_.max_restarts) {
      return Fail(ErrorCode::kUnavailable,
                  Cat({"the resumption token expired ", std::to_string(report_.restarts + 1),
                       " times in this run (badResumptionToken); giving up"}));
    }
    ++report_.restarts;
    ++checkpoint_.restarts;
    checkpoint_.resumption_token.clear();
    spdlog::warn("harvest: resumption token expired (badResumptionToken); restarting the window {}",
                 checkpoint_.from.empty() ? "from the beginning" : "from " + checkpoint_.from);
  }
  report_.complete = true;
  return Ok();
}

Status OaiHarvester::HarvestPage(bool& restart) {
  const int64_t page_no = checkpoint_.pages + 1;
  const std::string name = PageName(page_no);
  const std::string url = checkpoint_.resumption_token.empty()
                              ? ListRecordsUrl(checkpoint_.endpoint, checkpoint_.format,
                                               checkpoint_.set, checkpoint_.from, checkpoint_.until)
                              : ResumptionUrl(checkpoint_.endpoint, checkpoint_.resumption_token);
  // Told with every failure: a failed page never takes earlier pages with it.
  const std::string kept =
      Cat({"; kept the ", std::to_string(report_.pages), " page(s) harvested before"});
  const std::string prefix = Cat({name, " (", url, "): "});

  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> response = client_.Get(url);
    if (!response) return tl::unexpected(WithContext(response.error(), name + ": ", kept));

    RETURN_IF_ERROR(store_.Begin());
    Counts counts;
    Counts daily;
    StoreSink sink(store_, &counts, &daily, options_.on_reject);
    Result<OaiPageInfo> info = ReadOaiPmhPage(response->body, name, sink);
    if (!sink.status()) {
      (void)store_.Rollback();
      return tl::unexpected(WithContext(sink.status().error(), prefix, kept));
    }

    std::string problem;
    if (!info) {
      problem = info.error().message;
      problem.append(" (HTTP ");
      problem.append(std::to_string(response->status));
      problem.push_back(')');
    } else if (!info->parse_error.empty()) {
      problem = "malformed XML: " + info->parse_error;
    } else if (info->error_code == "badResumptionToken") {
      RETURN_IF_ERROR(store_.Rollback());
      restart = true;
      return Ok();
    } else if (!info->error_code.empty() && info->error_code != "noRecordsMatch") {
      RETURN_IF_ERROR(store_.Rollback());
      std::string message = prefix;
      message.append("OAI-PMH error ");
      message.append(info->error_code);
      if (!info->error_message.empty()) message.append(Cat({": ", info->error_message}));
      return Fail(ErrorCode::kInvalidArgument, std::move(message));
    } else if (response->status != 200) {
      problem = Cat({"HTTP ", std::to_string(response->status)});
    }

    if (problem.empty()) {
      Checkpoint next = checkpoint_;
      next.pages = page_no;
      next.records += info->records;
      next.last_datestamp = std::max(next.last_datestamp, info->last_datestamp);
      next.resumption_token = info->resumption_token;
      if (info->complete_list_size >= 0) next.complete_list_size = info->complete_list_size;
      next.cursor = info->cursor;
      next.updated_at = NowTimestamp(client_.clock());
      if (next.resumption_token.empty()) {
        next.complete = true;
        next.finished_at = next.updated_at;
        next.harvested_through = std::max(next.harvested_through, next.last_datestamp);
      }
      Status saved = SaveCheckpoint(store_, next);
      if (saved) saved = store_.Commit();
      if (!saved) {
        (void)store_.Rollback();
        return tl::unexpected(WithContext(saved.error(), prefix, kept));
      }
      checkpoint_ = std::move(next);
      report_.checkpoint = checkpoint_;
      report_.counts += counts;
      report_.deleted += info->deleted;
      ++report_.pages;
      if (options_.on_progress) {
        HarvestProgress p;
        p.page = checkpoint_.pages;
        p.window_records = checkpoint_.records;
        p.run_records = report_.counts.read;
        p.counts = report_.counts;
        p.complete_list_size = checkpoint_.complete_list_size;
        p.list_position = info->cursor >= 0 ? info->cursor + info->records : -1;
        p.seconds = std::chrono::duration<double>(client_.clock().SteadyNow() - start_).count();
        p.complete = checkpoint_.complete;
        options_.on_progress(p);
      }
      return Ok();
    }

    RETURN_IF_ERROR(store_.Rollback());
    if (attempt >= options_.max_page_tries) {
      std::string message = Cat({prefix, problem, "; gave up after ", std::to_string(attempt),
                                 attempt == 1 ? " try" : " tries", kept});
      return Fail(ErrorCode::kParse, std::move(message));
    }
    Clock::Duration wait = client_.Backoff(attempt);
    spdlog::warn("harvest: {}{} (try {} of {}); fetching it again in {:.0f} s", prefix, problem,
                 attempt, options_.max_page_tries, std::chrono::duration<double>(wait).count());
    client_.limiter().DelayNext(wait);
  }
}

}  // namespace paperpulse::ingest::harvest
