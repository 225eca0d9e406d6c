// The community actions — sign-in by e-mail link, votes, submissions — as
// functions shared by the JSON API (api/community_api.cc) and the HTML forms
// that work without JavaScript (pages/account.cc). Each checks its rate
// limits (a refusal is kResourceExhausted with Error::retry_after set),
// runs its writes as Store transactions and, on success, tells the
// App that content changed so the next request sees it (read-your-writes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/context.h"
#include "paperpulse/http/daily.h"
#include "paperpulse/http/message.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http {

// Now, in Unix seconds, from the App's clock.
int64_t NowSeconds(const Context& ctx);

// Today's date ("YYYY-MM-DD") in the site's time zone (CommunityOptions::
// timezone; serve sets the process's TZ to it).
std::string TodayInSiteZone(const Context& ctx);

// How long a sign-in link works, for people: "15 minutes", "30 seconds".
std::string SignInLinkValidity(const Context& ctx);

// `next` when it is a path on this site ("/papers/…", not "//evil" or a URL),
// else "/". Stops open redirects through ?next=.
std::string SafeNextPath(std::string_view next);

// Sends a sign-in link for `email` (valid CommunityOptions::login_ttl, once),
// leading to `next` after sign-in. Answers the same whether or not the
// address has an account. Errors: kInvalidArgument (not an e-mail address),
// kResourceExhausted (per address / per client address limits), kUnavailable
// (mail is not configured, or the queue is full), Store errors.
Status RequestSignInLink(const Context& ctx, storage::Store& store, std::string_view email,
                         std::string_view next, std::string_view client_ip);

// Uses a sign-in link's token: creates the account on first sign-in and
// starts a session. Errors: kNotFound (unknown link), kFailedPrecondition
// (used or expired link), kPermissionDenied (banned account), Store errors.
struct SignedIn {
  Account account;
  auth::NewSession session;
};
Result<SignedIn> ConfirmSignIn(const Context& ctx, storage::Store& store, std::string_view token);

// Casts (`up`) or withdraws `who`'s vote on the paper `raw_id` names (any
// arXiv id form). Idempotent. Errors: kNotFound (no such paper),
// kResourceExhausted, Store errors.
struct VoteState {
  std::string id;  // base id
  int64_t upvotes = 0;
  bool upvoted = false;
};
Result<VoteState> Vote(const Context& ctx, storage::Store& store, const auth::Principal& who,
                       std::string_view raw_id, bool up, std::string_view client_ip);

// Puts the paper `input` names (an id, "arXiv:…", an arxiv.org abs/pdf URL
// or a huggingface.co/papers URL) on today's list as submitted by `who`,
// fetching it from arXiv when the Store does not have it. Errors:
// kInvalidArgument (not an arXiv id, or older than max_paper_age_days),
// kNotFound (arXiv has no such paper), kAlreadyExists (on another day's
// list; the message names it), kResourceExhausted, kUnavailable (arXiv
// unreachable), Store errors.
struct Submission {
  DailyItem item;
  bool created = false;
};
Result<Submission> Submit(const Context& ctx, storage::Store& store, const auth::Principal& who,
                          std::string_view input, std::string_view client_ip);

// Appends to the audit log that admin `who` did `action` (e.g. "hide_comment")
// to `target` ("comment:12", "user:3"), with `detail`, now. Call inside the
// transaction of the change it records, so that neither stands without the
// other. Errors: Store errors.
Status AppendAdminAudit(const Context& ctx, storage::Store& store, const auth::Principal& who,
                        std::string action, std::string target, std::string detail);

}  // namespace paperpulse::http
