// Forward-only schema migrations. Never edit a released migration: append a
// new one. Each runs in its own transaction and records itself in
// schema_migrations, so a crash leaves either all of it or none.
#include <string>

#include "paperpulse/storage/soci/soci_store.h"

namespace paperpulse::storage {
namespace {

// Replaces ${AUTO_ID} and ${INT64} in `sql` by the dialect's types.
std::string Sql(const Dialect& d, std::string sql) {
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t p = sql.find(from); p != std::string::npos; p = sql.find(from, p + to.size())) {
      sql.replace(p, from.size(), to);
    }
  };
  replace("${AUTO_ID}", d.auto_id);
  replace("${INT64}", d.int64);
  return sql;
}

}  // namespace

std::vector<Migration> AllMigrations(const Dialect& d) {
  std::vector<Migration> m;
  m.push_back({1,
               "initial schema",
               {
                   Sql(d, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
                   Sql(d, "INSERT INTO meta (key, value) VALUES ('change_seq', '0')"),
                   // One row per base arXiv id. authors: JSON array of names in order;
                   // categories: space separated, primary first (arXiv's own convention).
                   Sql(d,
                       "CREATE TABLE papers ("
                       " id TEXT PRIMARY KEY,"
                       " title TEXT NOT NULL DEFAULT '',"
                       " abstract TEXT NOT NULL DEFAULT '',"
                       " authors TEXT NOT NULL DEFAULT '[]',"
                       " categories TEXT NOT NULL DEFAULT '',"
                       " primary_category TEXT NOT NULL DEFAULT '',"
                       " comments TEXT NOT NULL DEFAULT '',"
                       " journal_ref TEXT NOT NULL DEFAULT '',"
                       " doi TEXT NOT NULL DEFAULT '',"
                       " license TEXT NOT NULL DEFAULT '',"
                       " submitted TEXT NOT NULL DEFAULT '',"
                       " updated TEXT NOT NULL DEFAULT '',"
                       " latest_version INTEGER NOT NULL DEFAULT 0,"
                       " change_seq ${INT64} NOT NULL)"),
                   Sql(d, "CREATE INDEX papers_change_seq ON papers (change_seq)"),
                   Sql(d, "CREATE INDEX papers_submitted ON papers (submitted)"),
                   Sql(d,
                       "CREATE TABLE paper_versions ("
                       " paper_id TEXT NOT NULL REFERENCES papers (id),"
                       " version INTEGER NOT NULL,"
                       " created TEXT NOT NULL DEFAULT '',"
                       " size TEXT NOT NULL DEFAULT '',"
                       " PRIMARY KEY (paper_id, version))"),
                   Sql(d,
                       "CREATE TABLE users ("
                       " id ${AUTO_ID},"
                       " email TEXT NOT NULL UNIQUE,"
                       " name TEXT NOT NULL DEFAULT '',"
                       " created_at TEXT NOT NULL)"),
                   // A community pick of a paper on a day. submitted_by is the name the
                   // source gave (HF user); submitted_by_user links local accounts.
                   Sql(d,
                       "CREATE TABLE daily_entries ("
                       " date TEXT NOT NULL,"
                       " paper_id TEXT NOT NULL REFERENCES papers (id),"
                       " submitted_by TEXT NOT NULL DEFAULT '',"
                       " submitted_by_user ${INT64} REFERENCES users (id),"
                       " submitted_at TEXT NOT NULL DEFAULT '',"
                       " upvotes ${INT64} NOT NULL DEFAULT 0,"
                       " num_comments ${INT64} NOT NULL DEFAULT 0,"
                       " github_repo TEXT NOT NULL DEFAULT '',"
                       " github_stars ${INT64},"
                       " project_page TEXT NOT NULL DEFAULT '',"
                       " source TEXT NOT NULL DEFAULT '',"
                       " PRIMARY KEY (date, paper_id))"),
                   Sql(d, "CREATE INDEX daily_entries_paper ON daily_entries (paper_id)"),
                   Sql(d,
                       "CREATE TABLE votes ("
                       " user_id ${INT64} NOT NULL REFERENCES users (id),"
                       " paper_id TEXT NOT NULL REFERENCES papers (id),"
                       " created_at TEXT NOT NULL,"
                       " PRIMARY KEY (user_id, paper_id))"),
                   Sql(d, "CREATE INDEX votes_paper ON votes (paper_id)"),
                   // Digest subscriptions; the unsubscribe secret is stored hashed.
                   Sql(d,
                       "CREATE TABLE subscriptions ("
                       " id ${AUTO_ID},"
                       " user_id ${INT64} NOT NULL REFERENCES users (id),"
                       " frequency TEXT NOT NULL,"
                       " categories TEXT NOT NULL DEFAULT '',"
                       " keywords TEXT NOT NULL DEFAULT '',"
                       " min_upvotes ${INT64} NOT NULL DEFAULT 0,"
                       " unsubscribe_token_hash TEXT NOT NULL,"
                       " created_at TEXT NOT NULL,"
                       " UNIQUE (user_id, frequency))"),
               }});
  m.push_back({2,
               "records without arXiv ids",
               {
                   // Rows of abstract datasets that carry no arXiv id: kept, not dropped,
                   // until a source names their id. title_key = TitleKey(title).
                   Sql(d,
                       "CREATE TABLE unkeyed_papers ("
                       " source TEXT NOT NULL,"
                       " title_key TEXT NOT NULL,"
                       " title TEXT NOT NULL,"
                       " abstract TEXT NOT NULL DEFAULT '',"
                       " authors TEXT NOT NULL DEFAULT '[]',"
                       " categories TEXT NOT NULL DEFAULT '',"
                       " PRIMARY KEY (source, title_key))"),
                   Sql(d, "CREATE INDEX unkeyed_papers_title ON unkeyed_papers (title_key)"),
               }});
  return m;
}

}  // namespace paperpulse::storage
