#include "paperpulse/storage/soci/migrations.h"

#include <algorithm>
#include <string>

#include "paperpulse/storage/soci/papers.h"
#include "paperpulse/storage/soci/popularity.h"

namespace paperpulse::storage {
namespace {

// Replaces ${AUTO_ID}, ${INT64} and ${DOUBLE} in `sql` by the dialect's types.
std::string Sql(const Dialect& d, std::string sql) {
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t p = sql.find(from); p != std::string::npos; p = sql.find(from, p + to.size())) {
      sql.replace(p, from.size(), to);
    }
  };
  replace("${AUTO_ID}", d.auto_id);
  replace("${INT64}", d.int64);
  replace("${DOUBLE}", d.double_type);
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
  m.push_back(
      {3,
       "accounts, sessions, votes and popularity",
       {
           // Flags as 0/1 integers: one spelling for both databases.
           Sql(d, "ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0"),
           Sql(d, "ALTER TABLE users ADD COLUMN banned INTEGER NOT NULL DEFAULT 0"),
           // Addresses are kept lower-cased; the index makes that a rule.
           Sql(d, "UPDATE users SET email = lower(email)"),
           Sql(d, "CREATE UNIQUE INDEX users_email_lower ON users (lower(email))"),
           // Names are chosen after the first sign-in: unique once set.
           Sql(d, "CREATE UNIQUE INDEX users_name_lower ON users (lower(name)) WHERE name <> ''"),
           // Sign-in links by the hash of their secret. Times in Unix seconds;
           // used_at NULL until the link is consumed.
           Sql(d,
               "CREATE TABLE login_tokens ("
               " token_hash TEXT PRIMARY KEY,"
               " email TEXT NOT NULL,"
               " created_at ${INT64} NOT NULL,"
               " expires_at ${INT64} NOT NULL,"
               " used_at ${INT64})"),
           Sql(d,
               "CREATE TABLE sessions ("
               " id_hash TEXT PRIMARY KEY,"
               " user_id ${INT64} NOT NULL REFERENCES users (id),"
               " csrf_token TEXT NOT NULL,"
               " created_at ${INT64} NOT NULL,"
               " expires_at ${INT64} NOT NULL)"),
           Sql(d, "CREATE INDEX sessions_user ON sessions (user_id)"),
           Sql(d,
               "CREATE TABLE api_tokens ("
               " token_hash TEXT PRIMARY KEY,"
               " user_id ${INT64} NOT NULL REFERENCES users (id),"
               " label TEXT NOT NULL DEFAULT '',"
               " created_at TEXT NOT NULL)"),
           // Fixed-window counters (Store::HitRateLimit).
           Sql(d,
               "CREATE TABLE rate_limits ("
               " key TEXT NOT NULL,"
               " window_start ${INT64} NOT NULL,"
               " count ${INT64} NOT NULL,"
               " PRIMARY KEY (key, window_start))"),
           // Admin actions. actor_user_id 0: the command line.
           Sql(d,
               "CREATE TABLE audit_log ("
               " id ${AUTO_ID},"
               " actor_user_id ${INT64} NOT NULL,"
               " action TEXT NOT NULL,"
               " target TEXT NOT NULL DEFAULT '',"
               " detail TEXT NOT NULL DEFAULT '',"
               " created_at TEXT NOT NULL)"),
           // One row per paper that has daily entries or votes, kept current
           // by every write that changes its inputs (soci/popularity.cc);
           // popularity_seq orders the changes like papers.change_seq.
           Sql(d,
               "CREATE TABLE paper_popularity ("
               " paper_id TEXT PRIMARY KEY REFERENCES papers (id),"
               " imported_upvotes ${INT64} NOT NULL DEFAULT 0,"
               " local_votes ${INT64} NOT NULL DEFAULT 0,"
               " github_stars ${INT64},"
               " first_listed TEXT NOT NULL DEFAULT '',"
               " trending ${DOUBLE} NOT NULL DEFAULT 0,"
               " popularity_seq ${INT64} NOT NULL)"),
           Sql(d, "CREATE INDEX paper_popularity_seq ON paper_popularity (popularity_seq)"),
           Sql(d, "ALTER TABLE daily_entries ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0"),
           Sql(d, "INSERT INTO meta (key, value) VALUES ('popularity_seq', '0')"),
       },
       // The score needs log2, which SQLite lacks: computed in C++.
       BackfillPopularity});
  // Key-only tables on SQLite: a rowid table would hold every key twice
  // (table and primary key index); these grow by one row per mail and paper.
  const std::string key_only = d.name == "sqlite" ? " WITHOUT ROWID" : "";
  m.push_back(
      {4,
       "digest subscriptions and outbox",
       {
           // Replaces migration 1's table, which nothing ever wrote.
           Sql(d, "DROP TABLE subscriptions"),
           // email: lower-cased. user_id: NULL unless made while signed in.
           // categories, keywords: JSON arrays of strings. query: '' for the
           // digest, else a saved search alert. status: pending | active |
           // unsubscribed | bouncing. confirm_hash: NULL when made active at
           // once. Times in Unix seconds (compared) or as text (shown).
           Sql(d,
               "CREATE TABLE subscriptions ("
               " id ${AUTO_ID},"
               " email TEXT NOT NULL,"
               " user_id ${INT64} REFERENCES users (id),"
               " frequency TEXT NOT NULL,"
               " categories TEXT NOT NULL DEFAULT '[]',"
               " keywords TEXT NOT NULL DEFAULT '[]',"
               " min_upvotes ${INT64} NOT NULL DEFAULT 0,"
               " query TEXT NOT NULL DEFAULT '',"
               " status TEXT NOT NULL,"
               " confirm_hash TEXT UNIQUE,"
               " confirm_expires_at ${INT64} NOT NULL DEFAULT 0,"
               " created_at TEXT NOT NULL,"
               " confirmed_at TEXT NOT NULL DEFAULT '')"),
           // The digest run pages through one frequency's active rows by id.
           Sql(d, "CREATE INDEX subscriptions_due ON subscriptions (status, frequency, id)"),
           Sql(d, "CREATE INDEX subscriptions_email ON subscriptions (email)"),
           // At most one active digest (query '') and one active alert per
           // query for each address, whatever confirmations race.
           Sql(d,
               "CREATE UNIQUE INDEX subscriptions_one_active ON subscriptions (email, query) "
               "WHERE status = 'active'"),
           // One secret per mail (its List-Unsubscribe URL), stored hashed.
           Sql(d,
               "CREATE TABLE unsubscribe_tokens ("
               " token_hash TEXT PRIMARY KEY,"
               " subscription_id ${INT64} NOT NULL REFERENCES subscriptions (id),"
               " created_at TEXT NOT NULL)" +
                   key_only),
           // One mail per subscription and period. state: pending | sending |
           // sent | failed. mime: '' once sent. claimed_at: when a sender took
           // it (kSending). deferrals: transient failures that put it back.
           Sql(d,
               "CREATE TABLE digest_outbox ("
               " id ${AUTO_ID},"
               " subscription_id ${INT64} NOT NULL REFERENCES subscriptions (id),"
               " period TEXT NOT NULL,"
               " from_email TEXT NOT NULL,"
               " to_email TEXT NOT NULL,"
               " message_id TEXT NOT NULL,"
               " mime TEXT NOT NULL,"
               " state TEXT NOT NULL,"
               " attempts INTEGER NOT NULL DEFAULT 0,"
               " deferrals INTEGER NOT NULL DEFAULT 0,"
               " next_attempt_at ${INT64} NOT NULL,"
               " claimed_at ${INT64} NOT NULL DEFAULT 0,"
               " last_error TEXT NOT NULL DEFAULT '',"
               " created_at TEXT NOT NULL,"
               " sent_at TEXT NOT NULL DEFAULT '',"
               " UNIQUE (subscription_id, period))"),
           // Senders take due mails in this order; the counts by state read
           // it alone.
           Sql(d, "CREATE INDEX digest_outbox_due ON digest_outbox (state, next_attempt_at, id)"),
           // Few rows were ever deferred: their sum stays a small read.
           Sql(d,
               "CREATE INDEX digest_outbox_deferred ON digest_outbox (deferrals) "
               "WHERE deferrals > 0"),
           // Every paper a digest listed to an address (lower-cased), so that
           // no later digest lists it again.
           Sql(d,
               "CREATE TABLE digest_received ("
               " email TEXT NOT NULL,"
               " paper_id TEXT NOT NULL,"
               " PRIMARY KEY (email, paper_id))" +
                   key_only),
           // An account's votes newest first (recommendations), from the
           // index alone.
           Sql(d, "CREATE INDEX votes_user_time ON votes (user_id, created_at, paper_id)"),
       }});
  m.push_back(
      {5,
       "libraries, reading lists, comments",
       {
           // One row per saved paper of an account; the note is private.
           Sql(d,
               "CREATE TABLE library_entries ("
               " user_id ${INT64} NOT NULL REFERENCES users (id),"
               " paper_id TEXT NOT NULL REFERENCES papers (id),"
               " note TEXT NOT NULL DEFAULT '',"
               " saved_at TEXT NOT NULL,"
               " updated_at TEXT NOT NULL,"
               " PRIMARY KEY (user_id, paper_id))"),
           // An entry's tags; position keeps the order they were given in.
           Sql(d,
               "CREATE TABLE library_tags ("
               " user_id ${INT64} NOT NULL,"
               " paper_id TEXT NOT NULL,"
               " tag TEXT NOT NULL,"
               " position INTEGER NOT NULL,"
               " PRIMARY KEY (user_id, paper_id, tag),"
               " FOREIGN KEY (user_id, paper_id) REFERENCES library_entries (user_id, paper_id))" +
                   key_only),
           // The tag filter and the tag counts of one account.
           Sql(d, "CREATE INDEX library_tags_tag ON library_tags (user_id, tag)"),
           // Imports from citation managers match DOIs, which compare
           // case-insensitively; most papers have none.
           Sql(d, "CREATE INDEX papers_doi_lower ON papers (lower(doi)) WHERE doi <> ''"),
           // visibility: public | unlisted | private. secret_hash: '' when
           // there is no unlisted link.
           Sql(d,
               "CREATE TABLE reading_lists ("
               " id ${AUTO_ID},"
               " owner_id ${INT64} NOT NULL REFERENCES users (id),"
               " slug TEXT NOT NULL,"
               " title TEXT NOT NULL,"
               " description TEXT NOT NULL DEFAULT '',"
               " visibility TEXT NOT NULL,"
               " secret_hash TEXT NOT NULL DEFAULT '',"
               " created_at TEXT NOT NULL,"
               " updated_at TEXT NOT NULL,"
               " UNIQUE (owner_id, slug))"),
           // Positions are dense (0..size-1) but not a key: moving a paper
           // shifts its neighbours one statement at a time.
           Sql(d,
               "CREATE TABLE reading_list_items ("
               " list_id ${INT64} NOT NULL REFERENCES reading_lists (id),"
               " paper_id TEXT NOT NULL REFERENCES papers (id),"
               " position ${INT64} NOT NULL,"
               " note TEXT NOT NULL DEFAULT '',"
               " added_at TEXT NOT NULL,"
               " PRIMARY KEY (list_id, paper_id))"),
           Sql(d,
               "CREATE INDEX reading_list_items_order ON reading_list_items (list_id, position)"),
           // Bumped by every reading list write: part of the content version.
           Sql(d, "INSERT INTO meta (key, value) VALUES ('list_seq', '0')"),
           // parent_id 0: a top-level comment (a reply's parent is always
           // top-level). Deleted comments keep their row with an empty text;
           // flags as 0/1.
           Sql(d,
               "CREATE TABLE comments ("
               " id ${AUTO_ID},"
               " paper_id TEXT NOT NULL REFERENCES papers (id),"
               " user_id ${INT64} NOT NULL REFERENCES users (id),"
               " parent_id ${INT64} NOT NULL DEFAULT 0,"
               " text TEXT NOT NULL,"
               " created_at TEXT NOT NULL,"
               " edited_at TEXT NOT NULL DEFAULT '',"
               " deleted INTEGER NOT NULL DEFAULT 0,"
               " hidden INTEGER NOT NULL DEFAULT 0)"),
           Sql(d, "CREATE INDEX comments_paper ON comments (paper_id, id)"),
           // The number of visible comments, kept like local_votes.
           Sql(d,
               "ALTER TABLE paper_popularity ADD COLUMN local_comments ${INT64} NOT NULL "
               "DEFAULT 0"),
       }});
  m.push_back(
      {6,
       "Hugging Face item fields and arXiv id order",
       {
           // What HF items carry besides (DailyEntry): the item's own
           // publishedAt, the submitting organisation (account name and
           // display name), the machine-written summary and keywords (one
           // per line).
           Sql(d, "ALTER TABLE daily_entries ADD COLUMN published_at TEXT NOT NULL DEFAULT ''"),
           Sql(d, "ALTER TABLE daily_entries ADD COLUMN organization TEXT NOT NULL DEFAULT ''"),
           Sql(d,
               "ALTER TABLE daily_entries ADD COLUMN organization_fullname TEXT NOT NULL "
               "DEFAULT ''"),
           Sql(d, "ALTER TABLE daily_entries ADD COLUMN ai_summary TEXT NOT NULL DEFAULT ''"),
           Sql(d, "ALTER TABLE daily_entries ADD COLUMN ai_keywords TEXT NOT NULL DEFAULT ''"),
           // Store::DailyEntriesWhere: a submitter's or an organisation's
           // entries, newest day first.
           Sql(d, "CREATE INDEX daily_entries_submitter ON daily_entries (submitted_by, date)"),
           Sql(d, "CREATE INDEX daily_entries_organization ON daily_entries (organization, date)"),
           // Store::PapersNewestFirst: PaperOrderKey(id), set on insert.
           Sql(d, "ALTER TABLE papers ADD COLUMN id_order TEXT NOT NULL DEFAULT ''"),
       },
       [](SociDb& db) -> Status {
         // The keys of the papers already stored, computed here (arXiv's id
         // rules are C++), then the index over them.
         soci::session& sql = db.sql();
         try {
           std::vector<std::string> ids;
           soci::rowset<std::string> rows = sql.prepare << "SELECT id FROM papers";
           ids.assign(rows.begin(), rows.end());
           std::string id, key;
           soci::statement update =
               (sql.prepare << "UPDATE papers SET id_order = :k WHERE id = :id", soci::use(key),
                soci::use(id));
           for (std::string& each : ids) {
             id = std::move(each);
             key = PaperOrderKey(id);
             update.execute(true);
           }
           sql << "CREATE INDEX papers_id_order ON papers (id_order)";
         } catch (...) {
           return tl::unexpected(db.DbError("ordering papers by arXiv id"));
         }
         return Ok();
       }});
  return m;
}

Status ApplyMigrations(SociDb& db, int up_to) {
  soci::session& sql = db.sql();
  std::vector<int> applied;
  try {
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
           " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
    soci::rowset<int> versions = sql.prepare << "SELECT version FROM schema_migrations";
    applied.assign(versions.begin(), versions.end());
  } catch (...) {
    return tl::unexpected(db.DbError("reading schema_migrations"));
  }
  for (const Migration& m : AllMigrations(db.dialect())) {
    // Checked without a transaction first: opening an up-to-date database
    // (every Store::Open) then takes no write lock at all.
    if (m.version > up_to ||
        std::find(applied.begin(), applied.end(), m.version) != applied.end()) {
      continue;
    }
    std::string context = "applying migration " + std::to_string(m.version) + " (" + m.name + ")";
    Status status = db.RunInTransaction([&]() -> Status {
      try {
        if (!db.dialect().migration_lock.empty()) sql << db.dialect().migration_lock;
        int count = 0;
        int version = m.version;
        sql << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v", soci::use(version),
            soci::into(count);
        if (count > 0) return Ok();  // another process applied it meanwhile
        for (const std::string& statement : m.statements) sql << statement;
      } catch (...) {
        return tl::unexpected(db.DbError(context));
      }
      if (m.finish) RETURN_IF_ERROR(m.finish(db));
      try {
        int version = m.version;
        std::string name = m.name;
        sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, "
               "CAST(CURRENT_TIMESTAMP AS TEXT))",
            soci::use(version), soci::use(name);
      } catch (...) {
        return tl::unexpected(db.DbError(context));
      }
      return Ok();
    });
    RETURN_IF_ERROR(status);
  }
  return Ok();
}

}  // namespace paperpulse::storage
