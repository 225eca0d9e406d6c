// users, login_tokens, sessions and api_tokens: who is signed in. Secrets
// (link tokens, session ids, API tokens) arrive hashed; this layer only
// stores and compares the hashes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/model/community.h"
#include "paperpulse/storage/soci/db.h"

namespace paperpulse::storage {

class AccountTable {
 public:
  explicit AccountTable(SociDb& db) : db_(db) {}

  // See the Store methods of the same names.
  Result<Account> FindOrCreate(std::string_view email, std::string_view now);
  Result<std::optional<Account>> Get(int64_t id);
  Result<std::optional<Account>> GetByEmail(std::string_view email);
  Result<std::optional<Account>> GetByName(std::string_view name);
  Status SetName(int64_t id, std::string_view name);
  Status SetAdmin(int64_t id, bool admin);
  Status SetBanned(int64_t id, bool banned);

  Status CreateLoginToken(std::string_view token_hash, std::string_view email, int64_t now,
                          int64_t expires_at);
  Result<std::string> ConsumeLoginToken(std::string_view token_hash, int64_t now);

  Status CreateSession(const SessionRecord& session);
  Result<std::optional<SessionRecord>> GetSession(std::string_view id_hash, int64_t now);
  Status DeleteSession(std::string_view id_hash);

  Status CreateApiToken(std::string_view token_hash, int64_t user_id, std::string_view label,
                        std::string_view now);
  Result<std::optional<int64_t>> ApiTokenUser(std::string_view token_hash);

 private:
  // The one account `where` (a condition on users, binding :v) selects.
  template <typename T>
  Result<std::optional<Account>> GetWhere(const std::string& where, T value,
                                          const std::string& what);
  // Sets flag column `column` of account `id`. Errors: kNotFound.
  Status SetFlag(int64_t id, const char* column, bool value);

  SociDb& db_;
};

}  // namespace paperpulse::storage
