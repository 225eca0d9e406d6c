#include "paperpulse/cli/community_flags.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>

#include "paperpulse/base/clock.h"
#include "paperpulse/ingest/harvest/arxiv_api_client.h"
#include "paperpulse/ingest/harvest/curl_fetcher.h"
#include "paperpulse/ingest/harvest/polite_client.h"
#include "paperpulse/mail/async_sender.h"
#include "paperpulse/mail/message.h"
#include "paperpulse/mail/smtp_transport.h"

namespace paperpulse::cli {

// Logs are written in UTC whatever TZ says.
Status SetProcessTimeZone(const std::string& zone) {
  bool known = zone == "UTC" ||
               (zone.find("..") == std::string::npos && !zone.empty() && zone.front() != '/' &&
                std::filesystem::is_regular_file("/usr/share/zoneinfo/" + zone));
  if (!known) {
    return Fail(ErrorCode::kInvalidArgument,
                "--timezone: unknown time zone \"" + zone +
                    "\" (an IANA name such as Europe/Berlin; needs the tzdata package)");
  }
  // NOLINTNEXTLINE(concurrency-mt-unsafe): called before any thread starts (see the header).
  setenv("TZ", zone.c_str(), 1);
  tzset();
  return Ok();
}

namespace {

// Looks papers up at arXiv for submissions: one request at a time (the
// PoliteClient is single-threaded and arXiv asks for one connection), under
// the process's shared rate limiter, with few tries so that a submission
// waits seconds, not the harvester's minutes.
class ArxivLookup {
 public:
  static Result<std::unique_ptr<ArxivLookup>> Create(const CommunityFlags& flags,
                                                     ingest::harvest::RateLimiter& limiter) {
    namespace harvest = ingest::harvest;
    harvest::CurlOptions curl;
    curl.user_agent = harvest::UserAgent("paperpulse/" PAPERPULSE_VERSION, flags.contact);
    curl.connect_timeout = std::chrono::seconds(10);
    curl.stall_timeout = std::chrono::seconds(20);
    ASSIGN_OR_RETURN(auto fetcher, harvest::CurlFetcher::Create(curl));
    harvest::RetryPolicy policy;
    policy.max_tries = 2;
    policy.initial_backoff = std::chrono::seconds(1);
    policy.max_backoff = std::chrono::seconds(2);
    policy.max_retry_after = std::chrono::seconds(10);
    auto lookup = std::unique_ptr<ArxivLookup>(new ArxivLookup());
    lookup->client_ = std::make_unique<harvest::PoliteClient>(std::move(fetcher), limiter,
                                                              DefaultClock(), policy);
    std::string endpoint = flags.arxiv_api_endpoint.empty()
                               ? std::string(harvest::kArxivApiEndpoint)
                               : flags.arxiv_api_endpoint;
    lookup->api_ = std::make_unique<harvest::ArxivApiClient>(*lookup->client_, endpoint);
    return lookup;
  }

  Result<std::optional<Paper>> Fetch(std::string_view id) {
    std::lock_guard lock(mu_);
    auto paper = api_->FetchPaper(id);
    if (!paper && paper.error().code != ErrorCode::kInvalidArgument) {
      spdlog::warn("arXiv lookup of {} failed: {}", id, paper.error().ToString());
      return Fail(ErrorCode::kUnavailable, "arXiv cannot be reached right now; try again later");
    }
    return paper;
  }

 private:
  ArxivLookup() = default;
  std::mutex mu_;
  std::unique_ptr<ingest::harvest::PoliteClient> client_;
  std::unique_ptr<ingest::harvest::ArxivApiClient> api_;
};

class Services final : public CommunityServices {
 public:
  const http::CommunityOptions& options() const override { return options_; }

  void Shutdown() override {
    if (sender_) sender_->Stop();
  }
  const MailSetup& mail() const override { return mail_; }

  http::CommunityOptions options_;
  MailSetup mail_;
  std::unique_ptr<mail::AsyncSender> sender_;
  std::unique_ptr<ArxivLookup> lookup_;
};

http::RateRule PerHour(int n) { return {n, std::chrono::hours(1)}; }
http::RateRule PerMinute(int n) { return {n, std::chrono::minutes(1)}; }

}  // namespace

void AddCommunityFlags(CLI::App& cmd, CommunityFlags& f) {
  AddMailFlags(cmd, f.mail, "sign-in mails and digests (without it, sign-in is off)");
  cmd.add_option("--timezone", f.timezone,
                 "Time zone of the daily lists' \"today\" for submissions (IANA name)")
      ->envname("PAPERPULSE_TIMEZONE")
      ->capture_default_str();
  cmd.add_option("--arxiv-api-endpoint", f.arxiv_api_endpoint,
                 "arXiv query API URL for papers submitted before they are harvested")
      ->envname("PAPERPULSE_ARXIV_API");
  cmd.add_option("--login-ttl", f.login_ttl_seconds, "Seconds a sign-in link stays valid")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd.add_option("--max-submissions-per-day", f.max_submissions_per_day,
                 "Papers one account may submit per day (0: no limit)")
      ->check(CLI::Range(0, 100000));
  cmd.add_option("--max-paper-age-days", f.max_paper_age_days,
                 "Only papers first submitted to arXiv this many days ago or less can be put "
                 "on a daily list (0: no limit)")
      ->check(CLI::Range(0, 100000));
  auto limit = [&cmd](const char* name, int& value, const char* help) {
    cmd.add_option(name, value, help)->check(CLI::Range(0, 100000000))->capture_default_str();
  };
  limit("--login-limit-per-ip", f.login_limit_per_ip,
        "Sign-in mails per client address per hour (0: no limit)");
  limit("--login-limit-per-email", f.login_limit_per_email,
        "Sign-in mails per e-mail address per hour (0: no limit)");
  limit("--vote-limit-per-account", f.vote_limit_per_account,
        "Votes per account per minute (0: no limit)");
  limit("--vote-limit-per-ip", f.vote_limit_per_ip,
        "Votes per client address per minute (0: no limit)");
  limit("--submit-limit-per-account", f.submit_limit_per_account,
        "Submissions per account per hour (0: no limit)");
  limit("--submit-limit-per-ip", f.submit_limit_per_ip,
        "Submissions per client address per hour (0: no limit)");
  limit("--subscribe-limit-per-ip", f.subscribe_limit_per_ip,
        "Digest subscription requests per client address per hour (0: no limit)");
  limit("--subscribe-limit-per-email", f.subscribe_limit_per_email,
        "Digest confirmation mails per e-mail address per hour (0: no limit)");
  limit("--comment-limit-per-account", f.comment_limit_per_account,
        "Comments (and edits) per account per minute (0: no limit)");
  limit("--comment-limit-per-account-daily", f.comment_limit_per_account_daily,
        "Comments per account per day (0: no limit)");
  cmd.add_option("--confirm-ttl", f.confirm_ttl_seconds,
                 "Seconds a digest subscription's confirmation link stays valid")
      ->check(CLI::Range(60, 90 * 86400))
      ->capture_default_str();
}

Result<std::unique_ptr<CommunityServices>> StartCommunityServices(
    const CommunityFlags& f, ingest::harvest::RateLimiter& limiter) {
  auto s = std::make_unique<Services>();
  http::CommunityOptions& o = s->options_;
  o.timezone = f.timezone;
  o.login_ttl = std::chrono::seconds(f.login_ttl_seconds);
  o.max_submissions_per_day = f.max_submissions_per_day;
  o.max_paper_age_days = f.max_paper_age_days;
  o.login_per_ip = PerHour(f.login_limit_per_ip);
  o.login_per_email = PerHour(f.login_limit_per_email);
  o.votes_per_account = PerMinute(f.vote_limit_per_account);
  o.votes_per_ip = PerMinute(f.vote_limit_per_ip);
  o.submissions_per_account = PerHour(f.submit_limit_per_account);
  o.submissions_per_ip = PerHour(f.submit_limit_per_ip);
  o.subscribe_per_ip = PerHour(f.subscribe_limit_per_ip);
  o.subscribe_per_email = PerHour(f.subscribe_limit_per_email);
  o.comments_per_account = PerMinute(f.comment_limit_per_account);
  o.comments_per_account_daily = {f.comment_limit_per_account_daily, std::chrono::hours(24)};
  o.confirm_ttl = std::chrono::seconds(f.confirm_ttl_seconds);

  ASSIGN_OR_RETURN(s->mail_, SetUpMail(f.mail));
  if (!s->mail_.transport) {
    spdlog::info(
        "no --smtp: sign-in by e-mail and digests are off (pages and the API still work "
        "read-only; API tokens from `paperpulse token create` still work)");
  } else {
    s->sender_ = std::make_unique<mail::AsyncSender>(*s->mail_.transport);
    mail::AsyncSender* sender = s->sender_.get();
    o.send_mail = [sender, from = s->mail_.from](const http::OutgoingMail& m) -> Status {
      mail::Message msg;
      msg.from = from;
      msg.to.push_back(mail::Address{m.to, ""});
      msg.subject = m.subject;
      msg.text = m.text;
      msg.html = m.html;
      return sender->Enqueue(std::move(msg));
    };
    spdlog::info("mail via {} from {}{}", s->mail_.transport->endpoint().url, f.mail.mail_from,
                 s->mail_.dkim ? ", DKIM-signed" : "");
  }

  ASSIGN_OR_RETURN(s->lookup_, ArxivLookup::Create(f, limiter));
  ArxivLookup* lookup = s->lookup_.get();
  o.fetch_paper = [lookup](std::string_view id) { return lookup->Fetch(id); };
  return std::unique_ptr<CommunityServices>(std::move(s));
}

}  // namespace paperpulse::cli
