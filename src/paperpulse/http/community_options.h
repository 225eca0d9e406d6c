// Settings of the community features (accounts, votes, submissions, digest
// subscriptions, comments), set by `paperpulse serve` flags and carried in
// AppOptions::community.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/model/paper.h"

namespace paperpulse::http {

// A mail the site sends (sign-in and confirmation links). Plain data, so that http does not
// depend on how mail is delivered (mail/ via serve).
struct OutgoingMail {
  std::string to;
  std::string subject;
  std::string text;
  std::string html;  // may be empty
};

// One fixed-window rate limit: at most `limit` events per `window`; 0 = off.
struct RateRule {
  int limit = 0;
  std::chrono::seconds window{60};
};

struct CommunityOptions {
  // Sign-in links are valid this long, once.
  std::chrono::seconds login_ttl{15 * 60};
  // Links that confirm a digest subscription or search alert (double
  // opt-in) are valid this long: mail may sit unread for days.
  std::chrono::seconds confirm_ttl{7 * 24 * 3600};
  // A session lasts this long after sign-in (then sign in again).
  std::chrono::seconds session_ttl{30 * 24 * 3600};
  // "Today" for submissions is the date in this time zone (serve sets the
  // process's TZ to it; see cli/serve_cmd.cc).
  std::string timezone = "UTC";
  // Per-account submissions per day; 0 = no limit.
  int max_submissions_per_day = 0;
  // Papers first submitted to arXiv longer ago than this cannot be put on a
  // daily list; 0 = no limit.
  int max_paper_age_days = 0;

  // Rate limits, per client address and per account (or e-mail address).
  RateRule login_per_ip{20, std::chrono::hours(1)};
  RateRule login_per_email{5, std::chrono::hours(1)};
  RateRule votes_per_account{120, std::chrono::minutes(1)};
  RateRule votes_per_ip{600, std::chrono::minutes(1)};
  RateRule submissions_per_account{30, std::chrono::hours(1)};
  RateRule submissions_per_ip{60, std::chrono::hours(1)};
  // Subscribe requests: each anonymous one mails a confirmation link, so
  // the per-address rule stops the site from mail-bombing a stranger.
  RateRule subscribe_per_ip{20, std::chrono::hours(1)};
  RateRule subscribe_per_email{5, std::chrono::hours(1)};
  // Comments written (per minute: also edits) per account.
  RateRule comments_per_account{10, std::chrono::minutes(1)};
  RateRule comments_per_account_daily{200, std::chrono::hours(24)};

  // Hands a mail to the delivery queue; must not block on the network.
  // Empty: sign-in by e-mail and anonymous subscriptions are off (they
  // answer 503 saying so).
  std::function<Status(const OutgoingMail&)> send_mail;
  // Looks up a paper at arXiv (the API client behind the site's shared
  // rate limit): nullopt when arXiv has no such paper. Empty: only papers
  // already in the Store can be submitted.
  std::function<Result<std::optional<Paper>>(std::string_view id)> fetch_paper;
};

}  // namespace paperpulse::http
