// The `serve` flags of the community features (sign-in mail, submissions,
// rate limits) and their wiring: the SMTP transport and background sender
// for sign-in mails, the arXiv API client for submissions of papers the
// Store does not have yet, and the process time zone for "today".
#pragma once

#include <memory>
#include <string>

#include "paperpulse/base/result.h"
#include "paperpulse/cli/mail_flags.h"
#include "paperpulse/http/community_options.h"
#include "paperpulse/ingest/harvest/rate_limiter.h"

namespace CLI {
class App;
}

namespace paperpulse::cli {

struct CommunityFlags {
  MailFlags mail;  // --smtp, --mail-from, --dkim-*
  std::string timezone = "UTC";
  std::string arxiv_api_endpoint;
  std::string contact;  // shared with the harvester's --contact
  int login_ttl_seconds = 15 * 60;
  int max_submissions_per_day = 0;
  int max_paper_age_days = 0;
  int login_limit_per_ip = 20;                // per hour
  int login_limit_per_email = 5;              // per hour
  int vote_limit_per_account = 120;           // per minute
  int vote_limit_per_ip = 600;                // per minute
  int submit_limit_per_account = 30;          // per hour
  int submit_limit_per_ip = 60;               // per hour
  int subscribe_limit_per_ip = 20;            // per hour
  int subscribe_limit_per_email = 5;          // per hour
  int comment_limit_per_account = 10;         // per minute
  int comment_limit_per_account_daily = 200;  // per day
  int confirm_ttl_seconds = 7 * 24 * 3600;
};

// Adds the flags to `serve`.
void AddCommunityFlags(CLI::App& cmd, CommunityFlags& flags);

// What the community features run on, owned by `serve` for its lifetime.
class CommunityServices {
 public:
  virtual ~CommunityServices() = default;
  // Options for AppOptions::community (send_mail, fetch_paper bound to this).
  virtual const http::CommunityOptions& options() const = 0;
  // Sends what is queued (bounded wait) and stops the mail thread.
  virtual void Shutdown() = 0;
  // The site's mail set-up (sender, DKIM, relay), shared with the digest
  // scheduler; its transport is nullptr without --smtp.
  virtual const MailSetup& mail() const = 0;
};

// Makes `zone` (--timezone) the process's local time zone: sets TZ, so that
// localtime_r gives "today" as the site's readers see it. setenv() races
// with getenv() / localtime_r() on other threads, so call it first thing,
// before any thread starts (the server's worker pool starts when the
// server is created). Errors: kInvalidArgument for an unknown zone.
Status SetProcessTimeZone(const std::string& zone);

// Checks the flags and starts the services: the SMTP transport and its
// sender thread when --smtp is given (a warning that sign-in is off
// otherwise), the arXiv API client over `limiter` (the process's shared
// arXiv rate limit). The time zone must have been set already
// (SetProcessTimeZone). Errors: kInvalidArgument naming the bad flag.
Result<std::unique_ptr<CommunityServices>> StartCommunityServices(
    const CommunityFlags& flags, ingest::harvest::RateLimiter& limiter);

}  // namespace paperpulse::cli
