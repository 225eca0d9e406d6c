// `paperpulse digest send`: renders the period's digests into the outbox,
// then delivers the outbox (see digest/run.h for why in two steps).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "paperpulse/base/time.h"
#include "paperpulse/cli/cli.h"
#include "paperpulse/cli/mail_flags.h"
#include "paperpulse/digest/run.h"
#include "paperpulse/search/index.h"
#include "paperpulse/search/indexer.h"

namespace paperpulse::cli {
namespace {

struct DigestArgs {
  CommonOptions common;
  MailFlags mail;
  std::string date;
  std::string frequency = "daily";
  std::string base_url = "http://127.0.0.1:8080";
  bool dry_run = false;
  int retry_for_seconds = 0;
  int first_backoff_seconds = 300;
  int max_attempts = 8;
  int stale_after_seconds = 900;
};

std::string LocalToday() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return FormatDate({local.tm_year + 1900, local.tm_mon + 1, local.tm_mday});
}

// Brings the search index up to date for saved-search alerts, as `search`
// does; nullptr (alerts skipped, with a warning) when there is none.
std::unique_ptr<search::Index> OpenFreshIndex(const CommonOptions& common) {
  search::IndexerOptions options;
  options.store = common.ToStoreOptions();
  if (auto indexer = search::Indexer::Create(options)) {
    if (Status s = (*indexer)->CatchUp(); !s && s.error().code != ErrorCode::kUnavailable) {
      std::fprintf(stderr, "warning: search index: %s\n", s.error().message.c_str());
    }
  }
  auto index = search::OpenIndex(common.data_dir);
  if (!index) return nullptr;
  return std::move(*index);
}

int Send(const DigestArgs& a) {
  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "paperpulse digest send: %s\n", message.c_str());
    return 1;
  };
  std::optional<DigestFrequency> frequency = ParseFrequency(a.frequency);
  if (!frequency) return fail("--frequency: daily or weekly, not \"" + a.frequency + "\"");
  std::string date = a.date.empty() ? LocalToday() : a.date;
  if (auto d = ParseIsoDate(date); !d) return fail("--date: " + d.error().message);
  auto mail = SetUpMail(a.mail);
  if (!mail) return fail(mail.error().message);
  if (!a.dry_run && !mail->transport) return fail("--smtp is required (or --dry-run)");
  std::string base_url = a.base_url;
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();

  auto store = OpenStore(a.common);
  if (!store) return 1;
  std::unique_ptr<search::Index> index = OpenFreshIndex(a.common);
  const bool tty = isatty(STDERR_FILENO) == 1;

  digest::RunOptions run;
  run.frequency = *frequency;
  run.date = date;
  run.dry_run = a.dry_run;
  run.site = {base_url, mail->from, "paperpulse"};
  run.dkim = mail->dkim.get();
  if (tty) {
    run.progress = [](int64_t seen) {
      std::fprintf(stderr, "\rrendering: %lld subscribers", static_cast<long long>(seen));
    };
  }
  if (a.dry_run) {
    run.on_rendered = [](const Subscription& s, const mail::Message& m) {
      std::printf("To: %s\nSubject: %s\n\n%s\n", s.email.c_str(), m.subject.c_str(),
                  m.text.c_str());
    };
  }
  auto rendered = digest::RenderPeriod(**store, index.get(), run, DefaultClock());
  if (tty) std::fputs("\r\033[K", stderr);
  if (!rendered) return fail(rendered.error().ToString());
  const digest::RunSummary& r = *rendered;
  if (r.no_list) {
    std::printf("digest %s: no daily list on %s, nothing to send\n", r.period.c_str(),
                date.c_str());
  } else {
    std::printf("digest %s: %lld subscribers, %lld %s, %lld had theirs already, %lld nothing new",
                r.period.c_str(), static_cast<long long>(r.subscribers),
                static_cast<long long>(r.rendered), a.dry_run ? "would be sent" : "rendered",
                static_cast<long long>(r.already), static_cast<long long>(r.nothing_new));
    if (r.recommended > 0) {
      std::printf(", %lld with recommendations", static_cast<long long>(r.recommended));
    }
    if (r.alerts_skipped > 0) {
      std::printf(", %lld alerts skipped (no search index yet)",
                  static_cast<long long>(r.alerts_skipped));
    }
    std::printf("\n");
  }
  if (a.dry_run) return 0;

  digest::DeliveryOptions delivery;
  delivery.retry_for = std::chrono::seconds(a.retry_for_seconds);
  delivery.first_backoff = std::chrono::seconds(a.first_backoff_seconds);
  delivery.max_attempts = a.max_attempts;
  delivery.stale_after = std::chrono::seconds(a.stale_after_seconds);
  if (tty) {
    delivery.progress = [](int64_t sent, int64_t deferred, int64_t failed) {
      std::fprintf(stderr, "\rsending: %lld sent, %lld deferred, %lld failed",
                   static_cast<long long>(sent), static_cast<long long>(deferred),
                   static_cast<long long>(failed));
    };
  }
  auto delivered = digest::DeliverDue(**store, *mail->transport, delivery, DefaultClock());
  if (tty) std::fputs("\r\033[K", stderr);
  if (!delivered) return fail(delivered.error().ToString());
  auto pending = (*store)->GetOutboxStats();
  std::printf("delivery: %lld sent, %lld deferred, %lld failed (%lld bounced)",
              static_cast<long long>(delivered->sent), static_cast<long long>(delivered->deferred),
              static_cast<long long>(delivered->failed),
              static_cast<long long>(delivered->bounced));
  if (pending && pending->pending > 0) {
    std::printf("; %lld waiting for a retry (the next run or `serve --digest-at` sends them)",
                static_cast<long long>(pending->pending));
  }
  std::printf("\n");
  return 0;
}

}  // namespace

void RegisterDigest(CLI::App& app, Command* run) {
  auto* digest = app.add_subcommand("digest", "E-mail digests");
  digest->require_subcommand(1);
  auto* cmd = digest->add_subcommand(
      "send", "Render the period's digests into the outbox and deliver the outbox");
  auto a = std::make_shared<DigestArgs>();
  AddCommonOptions(*cmd, a->common);
  AddMailFlags(*cmd, a->mail, "the digests");
  cmd->add_option("--date", a->date,
                  "Last day of the period, YYYY-MM-DD (default: today in the local time zone, TZ)");
  cmd->add_option("--frequency", a->frequency, "daily (that day's list) or weekly (7 days)")
      ->check(CLI::IsMember({"daily", "weekly"}))
      ->capture_default_str();
  cmd->add_option("--base-url", a->base_url, "The site's public URL, for links in the mails")
      ->envname("PAPERPULSE_BASE_URL")
      ->capture_default_str();
  cmd->add_flag("--dry-run", a->dry_run, "Print the mails that would be sent; write nothing");
  cmd->add_option("--retry-for", a->retry_for_seconds,
                  "Keep retrying deferred mails (SMTP 4xx) for up to this many seconds")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  cmd->add_option("--first-backoff", a->first_backoff_seconds,
                  "Seconds before the first retry of a deferred mail; doubled after each")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--max-attempts", a->max_attempts, "Tries per mail before it counts as failed")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--stale-after", a->stale_after_seconds,
                  "Seconds after which a mail claimed by a sender that never reported back "
                  "(killed mid-send) is sent again")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->callback([=] { *run = [=] { return Send(*a); }; });
}

}  // namespace paperpulse::cli
