#include "paperpulse/storage/soci/meta.h"

namespace paperpulse::storage {

Result<std::optional<std::string>> MetaTable::Get(std::string_view key) {
  try {
    std::string k(key), v;
    db_.sql() << "SELECT value FROM meta WHERE key = :k", soci::use(k), soci::into(v);
    if (!db_.sql().got_data()) return std::optional<std::string>();
    return std::optional<std::string>(std::move(v));
  } catch (...) {
    return tl::unexpected(db_.DbError("reading meta " + std::string(key)));
  }
}

Status MetaTable::Set(std::string_view key, std::string_view value) {
  std::string k(key), v(value);
  return db_.RunInTransaction([&]() -> Status {
    try {
      db_.sql() << "INSERT INTO meta (key, value) VALUES (:k, :v) ON CONFLICT (key) DO UPDATE "
                   "SET value = excluded.value",
          soci::use(k), soci::use(v);
    } catch (...) {
      return tl::unexpected(db_.DbError("writing meta " + k));
    }
    return Ok();
  });
}

Result<int> MetaTable::SchemaVersion() {
  try {
    int v = 0;
    soci::indicator ind = soci::i_null;
    db_.sql() << "SELECT MAX(version) FROM schema_migrations", soci::into(v, ind);
    return ind == soci::i_ok ? v : 0;
  } catch (...) {
    return tl::unexpected(db_.DbError("reading schema version"));
  }
}

Result<int64_t> MetaTable::ContentVersion() {
  try {
    // The counters only grow and every content write bumps one of them
    // (papers change_seq; daily entries, votes and comments popularity_seq;
    // reading lists list_seq), so their sum changes with every such commit.
    // One statement: one snapshot, and three primary key probes.
    int64_t version = 0;
    db_.sql() << "SELECT (SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'change_seq') + "
                 "(SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'popularity_seq') + "
                 "(SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'list_seq')",
        soci::into(version);
    return version;
  } catch (...) {
    return tl::unexpected(db_.DbError("reading the content version"));
  }
}

Result<StoreSequences> MetaTable::Sequences() {
  try {
    StoreSequences s;
    db_.sql() << "SELECT (SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'change_seq'), "
                 "(SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'popularity_seq')",
        soci::into(s.change_seq), soci::into(s.popularity_seq);
    return s;
  } catch (...) {
    return tl::unexpected(db_.DbError("reading the change sequences"));
  }
}

Result<StoreStats> MetaTable::Stats() {
  StoreStats s;
  try {
    int64_t n = 0;
    db_.sql() << "SELECT COUNT(*) FROM papers", soci::into(n);
    s.papers = n;
    db_.sql() << "SELECT COUNT(*) FROM paper_versions", soci::into(n);
    s.versions = n;
    db_.sql() << "SELECT COUNT(*) FROM daily_entries", soci::into(n);
    s.daily_entries = n;
    db_.sql() << "SELECT COUNT(*) FROM unkeyed_papers", soci::into(n);
    s.unkeyed = n;
    db_.sql() << "SELECT COUNT(*) FROM users", soci::into(n);
    s.users = n;
    db_.sql() << "SELECT COUNT(*) FROM votes", soci::into(n);
    s.votes = n;
  } catch (...) {
    return tl::unexpected(db_.DbError("reading stats"));
  }
  ASSIGN_OR_RETURN(StoreSequences seqs, Sequences());
  s.change_seq = seqs.change_seq;
  s.popularity_seq = seqs.popularity_seq;
  return s;
}

}  // namespace paperpulse::storage
