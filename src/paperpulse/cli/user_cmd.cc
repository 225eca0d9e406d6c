// `paperpulse user ...` (account administration) and `paperpulse token
// create` (API tokens for scripts). Both act on the Store directly, so they
// work on every node's database whether or not `serve` runs; each admin
// action is written to the audit log with the actor "cli".
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "paperpulse/base/secrets.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/cli/cli.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/mail/message.h"

namespace paperpulse::cli {
namespace {

std::string NowTimestamp() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return FormatUnixTimestamp(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

int Report(const char* command, const Error& e) {
  std::fprintf(stderr, "paperpulse %s: %s\n", command, e.message.c_str());
  return e.code == ErrorCode::kNotFound || e.code == ErrorCode::kInvalidArgument ? 2 : 1;
}

// The account of `email`, created when `create` (a token or admin right
// for someone who has not signed in yet is fine: the first sign-in finds it).
Result<Account> AccountFor(storage::Store& store, const std::string& email_in, bool create) {
  std::string email = AsciiLower(TrimView(email_in));
  if (!mail::IsValidEmail(email)) {
    return Fail(ErrorCode::kInvalidArgument, "not an e-mail address: " + email_in);
  }
  if (create) return store.FindOrCreateAccount(email, NowTimestamp());
  ASSIGN_OR_RETURN(std::optional<Account> a, store.GetAccountByEmail(email));
  if (!a) return Fail(ErrorCode::kNotFound, "no account for " + email);
  return *a;
}

// The account flags the command line sets.
enum class Flag { kAdmin, kBanned };

// Sets a flag of an account and records it in the audit log, atomically.
int SetFlag(const CommonOptions& opts, const std::string& email, const char* action, Flag flag,
            bool value, bool create) {
  auto store = OpenStore(opts);
  if (!store) return 1;
  Account account;
  Status s = (*store)->RunInTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(account, AccountFor(**store, email, create));
    RETURN_IF_ERROR(flag == Flag::kAdmin ? (*store)->SetAccountAdmin(account.id, value)
                                         : (*store)->SetAccountBanned(account.id, value));
    AuditEntry audit;
    audit.actor_user_id = 0;
    audit.action = action;
    audit.target = "user:" + std::to_string(account.id);
    audit.detail = "cli: " + account.email;
    audit.created_at = NowTimestamp();
    return (*store)->AppendAudit(audit);
  });
  if (!s) return Report("user", s.error());
  std::printf("%s: %s\n", account.email.c_str(), action);
  return 0;
}

}  // namespace

void RegisterUser(CLI::App& app, Command* run) {
  auto* cmd = app.add_subcommand("user", "Administer accounts (admin rights, bans)");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<CommonOptions>();
  AddCommonOptions(*cmd, *opts);
  auto email = std::make_shared<std::string>();
  struct Action {
    const char* name;
    const char* help;
    const char* audit;
    Flag flag;
    bool value;
    bool create;
  };
  static constexpr Action kActions[] = {
      {"grant-admin", "Make EMAIL an admin (creates the account if needed)", "grant_admin",
       Flag::kAdmin, true, true},
      {"revoke-admin", "Take admin rights from EMAIL", "revoke_admin", Flag::kAdmin, false, false},
      {"ban", "Ban EMAIL: ends its sessions, refuses its tokens, votes and submissions", "ban_user",
       Flag::kBanned, true, false},
      {"unban", "Lift a ban", "unban_user", Flag::kBanned, false, false},
  };
  for (const Action& a : kActions) {
    auto* sub = cmd->add_subcommand(a.name, a.help);
    AddCommonOptions(*sub, *opts);
    sub->add_option("EMAIL", *email, "The account's e-mail address")->required();
    sub->callback(
        [=] { *run = [=] { return SetFlag(*opts, *email, a.audit, a.flag, a.value, a.create); }; });
  }
}

void RegisterToken(CLI::App& app, Command* run) {
  auto* cmd = app.add_subcommand("token", "API tokens for scripts (Authorization: Bearer)");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<CommonOptions>();
  auto email = std::make_shared<std::string>();
  auto label = std::make_shared<std::string>("cli");
  auto* create = cmd->add_subcommand(
      "create", "Create an API token for EMAIL (creating the account if needed) and print it");
  AddCommonOptions(*create, *opts);
  create->add_option("EMAIL", *email, "The account's e-mail address")->required();
  create->add_option("--label", *label, "What the token is for")->capture_default_str();
  create->callback([=] {
    *run = [=]() -> int {
      auto store = OpenStore(*opts);
      if (!store) return 1;
      std::string token = RandomToken();
      Status s = (*store)->RunInTransaction([&]() -> Status {
        ASSIGN_OR_RETURN(Account account, AccountFor(**store, *email, /*create=*/true));
        return (*store)->CreateApiToken(HashToken(token), account.id, *label, NowTimestamp());
      });
      if (!s) return Report("token", s.error());
      // Only the hash is stored: this is the one time the token is shown.
      std::printf("%s\n", token.c_str());
      return 0;
    };
  });
}

}  // namespace paperpulse::cli
