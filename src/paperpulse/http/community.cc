#include "paperpulse/http/community.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/secrets.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/http/text.h"
#include "paperpulse/mail/message.h"

namespace paperpulse::http {
namespace {

// "https://huggingface.co/papers/2401.00001" and the like: hosts that show
// arXiv papers under /papers/<id> or /abs/<id>.
std::string_view StripPaperSiteUrl(std::string_view s) {
  for (std::string_view prefix :
       {"https://huggingface.co/papers/", "http://huggingface.co/papers/", "https://hf.co/papers/",
        "https://www.alphaxiv.org/abs/", "https://alphaxiv.org/abs/"}) {
    if (StartsWith(s, prefix)) {
      s.remove_prefix(prefix.size());
      size_t end = s.find_first_of("?#");
      return s.substr(0, end);
    }
  }
  return s;
}

std::string MailLink(const Context& ctx, const std::string& token, std::string_view next) {
  std::string link = ctx.options.base_url + "/login/confirm?token=" + token;
  if (next != "/") link += "&next=" + UrlEncode(next);
  return link;
}

}  // namespace

int64_t NowSeconds(const Context& ctx) {
  return std::chrono::duration_cast<std::chrono::seconds>(ctx.clock.Now().time_since_epoch())
      .count();
}

std::string TodayInSiteZone(const Context& ctx) {
  std::time_t now = static_cast<std::time_t>(NowSeconds(ctx));
  std::tm local{};
  localtime_r(&now, &local);
  return FormatDate({local.tm_year + 1900, local.tm_mon + 1, local.tm_mday});
}

std::string SignInLinkValidity(const Context& ctx) {
  int64_t s = ctx.options.community.login_ttl.count();
  return s >= 60 ? std::to_string(s / 60) + " minutes" : std::to_string(s) + " seconds";
}

std::string SafeNextPath(std::string_view next) {
  if (next.empty() || next.front() != '/' || StartsWith(next, "//") ||
      next.find('\\') != std::string_view::npos || next.size() > 2048) {
    return "/";
  }
  for (unsigned char c : next) {
    if (c < 0x20 || c == 0x7f) return "/";
  }
  return std::string(next);
}

Status RequestSignInLink(const Context& ctx, storage::Store& store, std::string_view email_in,
                         std::string_view next_in, std::string_view client_ip) {
  const CommunityOptions& opt = ctx.options.community;
  std::string email = AsciiLower(TrimView(email_in));
  if (!mail::IsValidEmail(email)) {
    return Fail(ErrorCode::kInvalidArgument, "email: expected an e-mail address");
  }
  if (!opt.send_mail) {
    return Fail(ErrorCode::kUnavailable, "sign-in by e-mail is not configured on this site");
  }
  int64_t now = NowSeconds(ctx);
  RETURN_IF_ERROR(auth::EnforceRate(store, "login:ip:" + std::string(client_ip), opt.login_per_ip,
                                    now, "sign-in requests from your address"));
  RETURN_IF_ERROR(auth::EnforceRate(store, "login:email:" + email, opt.login_per_email, now,
                                    "sign-in mails to this address"));
  std::string token = RandomToken();
  RETURN_IF_ERROR(
      store.CreateLoginToken(HashToken(token), email, now, now + opt.login_ttl.count()));
  std::string link = MailLink(ctx, token, SafeNextPath(next_in));
  std::string validity = SignInLinkValidity(ctx);
  OutgoingMail mail;
  mail.to = email;
  mail.subject = "Sign in to paperpulse";
  mail.text = "Hello,\n\nopen this link to sign in to paperpulse (" + ctx.options.base_url +
              "):\n\n" + link + "\n\nThe link works once, for " + validity +
              ". If you did not ask to sign in, ignore this mail: nothing happens without the "
              "link.\n";
  mail.html = "<p>Hello,</p><p>open this link to sign in to paperpulse:</p><p><a href=\"" +
              HtmlEscape(link) + "\">Sign in to paperpulse</a></p><p>The link works once, for " +
              validity + ". If you did not ask to sign in, ignore this mail.</p>";
  if (Status s = opt.send_mail(mail); !s) {
    spdlog::warn("sign-in mail not queued: {}", s.error().ToString());
    return Fail(ErrorCode::kUnavailable, "cannot send mail right now; try again in a minute");
  }
  return Ok();
}

Result<SignedIn> ConfirmSignIn(const Context& ctx, storage::Store& store, std::string_view token) {
  if (!IsWellFormedToken(token)) {
    return Fail(ErrorCode::kNotFound, "this sign-in link is not valid");
  }
  int64_t now = NowSeconds(ctx);
  SignedIn out;
  // Consuming the link and creating the account and session commit
  // together: a failure leaves the link usable for another try.
  RETURN_IF_ERROR(store.RunInTransaction([&]() -> Status {
    auto email = store.ConsumeLoginToken(HashToken(token), now);
    if (!email) {
      // The Store's message says whether the link is unknown, used or
      // expired; the reader also needs to know what to do next.
      Error e = email.error();
      if (e.code == ErrorCode::kNotFound || e.code == ErrorCode::kFailedPrecondition) {
        e.message += "; ask for a new one";
      }
      return tl::unexpected(std::move(e));
    }
    ASSIGN_OR_RETURN(out.account, store.FindOrCreateAccount(*email, FormatUnixTimestamp(now)));
    if (out.account.banned) return Fail(ErrorCode::kPermissionDenied, "this account is banned");
    ASSIGN_OR_RETURN(out.session, auth::StartSession(store, out.account.id, now,
                                                     ctx.options.community.session_ttl));
    return Ok();
  }));
  return out;
}

Result<VoteState> Vote(const Context& ctx, storage::Store& store, const auth::Principal& who,
                       std::string_view raw_id, bool up, std::string_view client_ip) {
  const CommunityOptions& opt = ctx.options.community;
  auto id = ParseArxivId(raw_id);
  if (!id)
    return Fail(ErrorCode::kNotFound, "no paper with id " + std::string(raw_id.substr(0, 64)));
  int64_t now = NowSeconds(ctx);
  RETURN_IF_ERROR(auth::EnforceRate(store, "vote:user:" + std::to_string(who.account.id),
                                    opt.votes_per_account, now, "votes"));
  RETURN_IF_ERROR(auth::EnforceRate(store, "vote:ip:" + std::string(client_ip), opt.votes_per_ip,
                                    now, "votes"));
  if (up) {
    RETURN_IF_ERROR(store.AddVote(who.account.id, id->base, FormatUnixTimestamp(now)));
  } else {
    RETURN_IF_ERROR(store.RemoveVote(who.account.id, id->base));
  }
  if (ctx.content_changed) ctx.content_changed();
  VoteState state;
  state.id = id->base;
  state.upvoted = up;
  ASSIGN_OR_RETURN(std::optional<PaperPopularity> pop, store.GetPopularity(id->base));
  if (pop) state.upvotes = pop->upvotes();
  return state;
}

Result<Submission> Submit(const Context& ctx, storage::Store& store, const auth::Principal& who,
                          std::string_view input, std::string_view client_ip) {
  const CommunityOptions& opt = ctx.options.community;
  std::string_view trimmed = StripPaperSiteUrl(TrimView(input));
  auto id = ParseArxivId(trimmed);
  if (!id) {
    return Fail(ErrorCode::kInvalidArgument,
                "id: expected an arXiv id (2401.00001) or an arxiv.org / huggingface.co paper URL");
  }
  int64_t now = NowSeconds(ctx);
  RETURN_IF_ERROR(auth::EnforceRate(store, "submit:user:" + std::to_string(who.account.id),
                                    opt.submissions_per_account, now, "submissions"));
  RETURN_IF_ERROR(auth::EnforceRate(store, "submit:ip:" + std::string(client_ip),
                                    opt.submissions_per_ip, now, "submissions"));
  ASSIGN_OR_RETURN(std::optional<Paper> paper, store.GetPaper(id->base));
  if (!paper) {
    if (!opt.fetch_paper) {
      return Fail(ErrorCode::kNotFound, "paper " + id->base + " is not known to this site");
    }
    ASSIGN_OR_RETURN(std::optional<Paper> fetched, opt.fetch_paper(id->base));
    if (!fetched) return Fail(ErrorCode::kNotFound, "arXiv has no paper " + id->base);
    fetched->id = id->base;
    RETURN_IF_ERROR(store.UpsertPaper(*fetched));
    paper = std::move(fetched);
  }
  std::string today = TodayInSiteZone(ctx);
  if (opt.max_paper_age_days > 0 && paper->submitted.size() >= 10) {
    auto submitted = ParseIsoDate(std::string_view(paper->submitted).substr(0, 10));
    auto t = ParseIsoDate(today);
    if (submitted && t && DaysFromCivil(*t) - DaysFromCivil(*submitted) > opt.max_paper_age_days) {
      return Fail(ErrorCode::kInvalidArgument,
                  "paper " + id->base + " was submitted to arXiv on " +
                      paper->submitted.substr(0, 10) + ", more than " +
                      std::to_string(opt.max_paper_age_days) +
                      " days ago: only recent papers can be put on a daily list");
    }
  }
  ASSIGN_OR_RETURN(storage::SubmitResult r,
                   store.SubmitPaper(today, id->base, who.account, FormatUnixTimestamp(now),
                                     opt.max_submissions_per_day));
  if (r.created && ctx.content_changed) ctx.content_changed();
  Submission s;
  s.created = r.created;
  s.item.entry = std::move(r.entry);
  s.item.paper = std::move(*paper);
  return s;
}

Status AppendAdminAudit(const Context& ctx, storage::Store& store, const auth::Principal& who,
                        std::string action, std::string target, std::string detail) {
  AuditEntry e;
  e.actor_user_id = who.account.id;
  e.action = std::move(action);
  e.target = std::move(target);
  e.detail = std::move(detail);
  e.created_at = FormatUnixTimestamp(NowSeconds(ctx));
  return store.AppendAudit(e);
}

}  // namespace paperpulse::http
