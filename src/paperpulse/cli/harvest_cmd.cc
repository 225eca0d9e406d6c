// `paperpulse harvest`: OAI-PMH from arXiv (or any endpoint) into the Store,
// politely, resumably; `harvest --status` prints where it stands. Exit 0 when
// the window is complete, 1 when the harvest stopped early (what was
// harvested is kept; a re-run continues), 2 for usage and Store errors.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "paperpulse/base/clock.h"
#include "paperpulse/cli/cli.h"
#include "paperpulse/ingest/harvest/arxiv_api_client.h"
#include "paperpulse/ingest/harvest/curl_fetcher.h"
#include "paperpulse/ingest/harvest/oai_harvester.h"
#include "paperpulse/ingest/store_sink.h"

namespace paperpulse::cli {
namespace {

namespace harvest = ingest::harvest;

std::string Duration(double seconds) {
  char buf[32];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.0fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(seconds) / 60,
                  static_cast<int>(seconds) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(seconds) / 3600,
                  static_cast<int>(seconds) % 3600 / 60);
  }
  return buf;
}

void DrawProgress(const harvest::HarvestProgress& p) {
  double rate = p.seconds > 0 ? static_cast<double>(p.run_records) / p.seconds : 0;
  char buf[128];
  std::snprintf(buf, sizeof buf, "\rharvest: page %lld, %lld records (%lld new), %.0f rec/s",
                static_cast<long long>(p.page), static_cast<long long>(p.window_records),
                static_cast<long long>(p.counts.inserted), rate);
  std::string line = buf;
  if (p.complete_list_size > 0 && p.list_position >= 0) {
    int64_t remaining = std::max<int64_t>(p.complete_list_size - p.list_position, 0);
    std::snprintf(
        buf, sizeof buf, ", %.0f%%",
        100.0 * static_cast<double>(p.list_position) / static_cast<double>(p.complete_list_size));
    line.append(buf);
    if (rate > 0 && !p.complete) line.append(", ETA " + Duration(remaining / rate));
  }
  line.append("\x1b[K");
  std::fputs(line.c_str(), stderr);
  if (p.complete) std::fputc('\n', stderr);
  std::fflush(stderr);
}

void PrintStatus(const harvest::Checkpoint& c) {
  auto row = [](const char* name, const std::string& value) {
    std::printf("%-18s %s\n", name, value.empty() ? "-" : value.c_str());
  };
  row("endpoint", c.endpoint);
  row("set", c.set.empty() ? "(all)" : c.set);
  row("format", c.format);
  row("from", c.from.empty() ? "(beginning)" : c.from);
  row("until", c.until.empty() ? "(now)" : c.until);
  row("state", c.complete ? "complete" : "interrupted (a re-run continues)");
  row("resumption token", c.resumption_token);
  row("pages", std::to_string(c.pages));
  row("records", std::to_string(c.records));
  if (c.complete_list_size >= 0) row("list size", std::to_string(c.complete_list_size));
  row("restarts", std::to_string(c.restarts));
  row("last datestamp", c.last_datestamp);
  row("harvested through", c.harvested_through);
  row("started", c.started_at);
  row("updated", c.updated_at);
  row("finished", c.finished_at);
}

// `harvest --id`: single papers through the arXiv API (what a submission
// needs), each stored in its own transaction. Returns the exit code: 0 when
// every id was fetched and stored, 1 otherwise (the others are kept).
int FetchIds(storage::Store& store, harvest::PoliteClient& client, const std::string& endpoint,
             const std::vector<std::string>& ids) {
  harvest::ArxivApiClient api(client, endpoint);
  int failed = 0;
  for (const std::string& id : ids) {
    Result<std::optional<Paper>> paper = api.FetchPaper(id);
    if (!paper || !*paper) {
      std::fprintf(stderr, "paperpulse harvest: %s: %s\n", id.c_str(),
                   paper ? "arXiv has no such paper" : paper.error().message.c_str());
      ++failed;
      continue;
    }
    const std::string base = (*paper)->id;
    ingest::Counts counts;
    std::string rejected;
    ingest::StoreSink sink(
        store, &counts, &counts,
        [&rejected](const ingest::SourcePos&, const std::string& reason) { rejected = reason; });
    Status s = store.Begin();
    if (s) {
      sink.OnPaper(std::move(**paper), ingest::SourcePos{"arXiv API, id " + id, 0, -1, 0});
      s = sink.status();
    }
    if (s) s = rejected.empty() ? store.Commit() : store.Rollback();
    if (!s) {
      (void)store.Rollback();
      std::fprintf(stderr, "paperpulse harvest: %s: %s\n", id.c_str(), s.error().message.c_str());
      ++failed;
    } else if (!rejected.empty()) {
      std::fprintf(stderr, "paperpulse harvest: %s: rejected: %s\n", id.c_str(), rejected.c_str());
      ++failed;
    } else {
      std::fprintf(stderr, "harvest: %s %s\n", base.c_str(),
                   counts.inserted > 0  ? "new"
                   : counts.updated > 0 ? "updated"
                                        : "unchanged");
    }
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace

void RegisterHarvest(CLI::App& app, Command* run) {
  auto* cmd = app.add_subcommand(
      "harvest",
      "Harvest arXiv metadata over OAI-PMH (incremental: continues from the last harvest; "
      "resumable after any interruption)");
  struct Args {
    CommonOptions common;
    std::string endpoint = std::string(harvest::kArxivOaiEndpoint);
    std::string from;
    std::string until;
    std::string set;
    std::string format = "arXivRaw";
    std::string contact;
    std::vector<std::string> ids;
    std::string api_endpoint = std::string(harvest::kArxivApiEndpoint);
    bool status = false;
    bool json = false;
    bool quiet = false;
    double min_interval = 3;
    int max_tries = 8;
  };
  auto args = std::make_shared<Args>();
  AddCommonOptions(*cmd, args->common);
  cmd->add_option("--endpoint", args->endpoint, "OAI-PMH base URL")
      ->envname("PAPERPULSE_OAI_ENDPOINT")
      ->capture_default_str();
  cmd->add_option("--from", args->from,
                  "First datestamp YYYY-MM-DD (default: where the last harvest ended)");
  cmd->add_option("--until", args->until, "Last datestamp YYYY-MM-DD (default: now)");
  cmd->add_option("--set", args->set, "OAI-PMH set: cs, math, physics:hep-th, ... (default: all)");
  cmd->add_option("--format", args->format, "Metadata format")
      ->check(CLI::IsMember({"arXivRaw", "arXiv", "oai_dc"}))
      ->capture_default_str();
  cmd->add_option("--contact", args->contact,
                  "Contact e-mail sent in the User-Agent, as arXiv asks of harvesters")
      ->envname("PAPERPULSE_CONTACT");
  cmd->add_option("--max-tries", args->max_tries, "Tries per request before giving up")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--id", args->ids,
                  "Fetch these papers (arXiv ids) through the arXiv API instead of harvesting")
      ->type_size(1)
      ->allow_extra_args(false);
  cmd->add_option("--api-endpoint", args->api_endpoint, "arXiv API query URL (for --id)")
      ->envname("PAPERPULSE_API_ENDPOINT")
      ->capture_default_str();
  cmd->add_flag("--status", args->status, "Print the harvest checkpoint and exit");
  cmd->add_flag("--json", args->json, "With --status: print the checkpoint as JSON");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress line");
  // Hidden (empty group): tests and benchmarks against a local server only;
  // arXiv asks for 3 s.
  cmd->add_option("--min-interval", args->min_interval, "Seconds between requests")
      ->check(CLI::Range(0.0, 3600.0))
      ->group("");
  cmd->callback([=] {
    *run = [=]() -> int {
      auto store = OpenStore(args->common);
      if (!store) return 2;
      if (args->status) {
        auto cp = harvest::LoadCheckpoint(**store);
        if (!cp) {
          std::fprintf(stderr, "paperpulse harvest: %s\n", cp.error().message.c_str());
          return 2;
        }
        if (!*cp) {
          std::printf(args->json ? "null\n" : "no harvest yet\n");
        } else if (args->json) {
          std::printf("%s\n", harvest::CheckpointToJson(**cp).c_str());
        } else {
          PrintStatus(**cp);
        }
        return 0;
      }

      if (args->contact.empty()) {
        std::fprintf(stderr,
                     "paperpulse harvest: warning: no --contact (or PAPERPULSE_CONTACT): arXiv "
                     "asks harvesters for a contact address in the User-Agent\n");
      }
      harvest::CurlOptions curl;
      curl.user_agent = harvest::UserAgent("paperpulse/" PAPERPULSE_VERSION, args->contact);
      auto fetcher = harvest::CurlFetcher::Create(curl);
      if (!fetcher) {
        std::fprintf(stderr, "paperpulse harvest: %s\n", fetcher.error().message.c_str());
        return 2;
      }
      // Real time, unless paperpulse-testing speeds it up (TestTimeSpeed).
      InterruptibleClock clock(TestTimeSpeed());
      harvest::RateLimiter limiter(clock, std::chrono::duration_cast<Clock::Duration>(
                                              std::chrono::duration<double>(args->min_interval)));
      harvest::RetryPolicy policy;
      policy.max_tries = args->max_tries;
      harvest::PoliteClient client(std::move(*fetcher), limiter, clock, policy);
      const bool tty = !args->quiet && ::isatty(STDERR_FILENO);
      client.set_on_retry([tty](const harvest::RetryNotice& n) {
        std::fprintf(stderr, "%sharvest: %s (try %d); waiting %.0f s\n", tty ? "\r\x1b[K" : "",
                     n.problem.c_str(), n.attempt, std::chrono::duration<double>(n.wait).count());
      });

      if (!args->ids.empty()) return FetchIds(**store, client, args->api_endpoint, args->ids);

      harvest::HarvestOptions options;
      options.endpoint = args->endpoint;
      options.set = args->set;
      options.format = args->format;
      options.from = args->from;
      options.until = args->until;
      options.max_page_tries = args->max_tries;
      options.on_reject = [tty](const ingest::SourcePos& pos, const std::string& reason) {
        std::fprintf(stderr, "%sharvest: rejected %s: %s\n", tty ? "\r\x1b[K" : "",
                     pos.ToString().c_str(), reason.c_str());
      };
      const bool verbose = args->common.verbose;
      if (tty || verbose) {
        options.on_progress = [tty](const harvest::HarvestProgress& p) {
          if (tty) {
            DrawProgress(p);
          } else {
            std::fprintf(stderr, "harvest: page %lld, %lld records\n",
                         static_cast<long long>(p.page), static_cast<long long>(p.window_records));
          }
        };
      }
      harvest::OaiHarvester harvester(**store, client, options);
      Status status = harvester.Run();
      const harvest::HarvestReport& r = harvester.report();
      if (tty && !r.complete && r.pages > 0) std::fputc('\n', stderr);
      const harvest::Checkpoint& c = r.checkpoint;
      std::fprintf(
          stderr,
          "harvest: %lld records in %lld pages (%lld new, %lld updated, %lld unchanged, "
          "%lld rejected, %lld deleted) in %.1f s%s; window %s..%s of %s\n",
          static_cast<long long>(r.counts.read), static_cast<long long>(r.pages),
          static_cast<long long>(r.counts.inserted), static_cast<long long>(r.counts.updated),
          static_cast<long long>(r.counts.unchanged), static_cast<long long>(r.counts.rejected),
          static_cast<long long>(r.deleted), r.seconds, r.resumed ? ", resumed" : "",
          c.from.empty() ? "(beginning)" : c.from.c_str(),
          c.until.empty() ? "(now)" : c.until.c_str(), c.endpoint.c_str());
      if (!status) {
        std::fprintf(stderr, "paperpulse harvest: stopped: %s\n", status.error().message.c_str());
        return status.error().code == ErrorCode::kInvalidArgument && r.pages == 0 ? 2 : 1;
      }
      std::fprintf(stderr, "harvest: complete; harvested through %s\n",
                   c.harvested_through.empty() ? "-" : c.harvested_through.c_str());
      return 0;
    };
  });
}

}  // namespace paperpulse::cli
