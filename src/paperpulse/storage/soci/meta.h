// meta and schema_migrations: settings, checkpoints, the sequence counters
// as readers see them, and the counts of Stats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/storage/soci/db.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::storage {

class MetaTable {
 public:
  explicit MetaTable(SociDb& db) : db_(db) {}

  // See Store::GetMeta, SetMeta, SchemaVersion, ContentVersion, Sequences.
  Result<std::optional<std::string>> Get(std::string_view key);
  Status Set(std::string_view key, std::string_view value);
  Result<int> SchemaVersion();
  Result<int64_t> ContentVersion();
  Result<StoreSequences> Sequences();

  // See Store::Stats: row counts over every table and the committed
  // counters.
  Result<StoreStats> Stats();

 private:
  SociDb& db_;
};

}  // namespace paperpulse::storage
