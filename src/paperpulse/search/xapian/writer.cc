// The write side of the Xapian adapter: IndexWriter over a WritableDatabase.
#include <xapian.h>

#include <filesystem>
#include <functional>
#include <unordered_set>

#include "paperpulse/search/index.h"
#include "paperpulse/search/index_dir.h"
#include "paperpulse/search/index_writer.h"
#include "paperpulse/search/xapian/schema.h"

namespace paperpulse::search {
namespace {

using xapian::XapianError;

class XapianWriter : public FreshIndexWriter {
 public:
  XapianWriter(Xapian::WritableDatabase db, std::string path, std::string index_dir, bool fresh,
               int64_t change_seq)
      : db_(std::move(db)),
        path_(std::move(path)),
        index_dir_(std::move(index_dir)),
        fresh_(fresh),
        change_seq_(change_seq) {}

  ~XapianWriter() override {
    try {
      db_.close();
    } catch (const Xapian::Error&) {
      // Uncommitted changes are dropped by design; nothing else can fail here.
    }
    // A build that was never published is garbage.
    if (fresh_ && !published_) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }

  Status Put(const IndexDocument& doc) override {
    try {
      Xapian::Document d = xapian::BuildDocument(doc, stemmer_, &db_);
      // A fresh database has no earlier version of a paper it has not seen:
      // adding skips the id lookup, which is most of the cost of a replace.
      // (A paper changed during a build comes again with a later change_seq.)
      if (fresh_ && seen_.insert(std::hash<std::string>()(doc.paper.id)).second) {
        db_.add_document(d);
      } else {
        db_.replace_document(xapian::IdTerm(doc.paper.id), d);
      }
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "indexing " + doc.paper.id));
    }
    return Ok();
  }

  Status SetPopularity(std::string_view id, int64_t upvotes, double trending) override {
    try {
      std::string term = xapian::IdTerm(id);
      Xapian::PostingIterator it = db_.postlist_begin(term);
      if (it == db_.postlist_end(term)) return Ok();
      Xapian::Document d = db_.get_document(*it);
      ASSIGN_OR_RETURN(xapian::StoredPaper stored, xapian::DecodeStoredPaper(d.get_data()));
      if (stored.upvotes == upvotes && stored.trending == trending) return Ok();
      IndexDocument doc;
      doc.paper.id = stored.id;
      doc.paper.title = stored.title;
      doc.paper.authors = stored.authors;
      doc.paper.categories = stored.categories;
      doc.paper.submitted = stored.published_at;
      doc.paper.abstract = stored.abstract;
      doc.upvotes = upvotes;
      doc.trending = trending;
      d.set_data(xapian::EncodeStoredPaper(doc));
      d.add_value(xapian::kUpvotesSlot, Xapian::sortable_serialise(static_cast<double>(upvotes)));
      d.add_value(xapian::kTrendingSlot, Xapian::sortable_serialise(trending));
      db_.replace_document(*it, d);
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "updating upvotes of " + std::string(id)));
    }
    return Ok();
  }

  Status Commit(int64_t change_seq) override {
    try {
      db_.set_metadata(xapian::kFormatKey, xapian::kFormatVersion);
      db_.set_metadata(xapian::kChangeSeqKey, std::to_string(change_seq));
      db_.commit();
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "committing the index"));
    }
    change_seq_ = change_seq;
    return Ok();
  }

  Status Publish(int64_t change_seq) override {
    if (!fresh_) return Fail(ErrorCode::kInternal, "Publish() on the live index");
    RETURN_IF_ERROR(Commit(change_seq));
    try {
      db_.close();
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "closing the new index"));
    }
    ASSIGN_OR_RETURN(path_, PublishBuild(index_dir_, path_));
    published_ = true;
    return Ok();
  }

  int64_t last_change_seq() const override { return change_seq_; }
  const std::string& path() const override { return path_; }

 private:
  Xapian::WritableDatabase db_;
  std::string path_;
  std::string index_dir_;
  bool fresh_;
  bool published_ = false;
  int64_t change_seq_;
  xapian::Stemmer stemmer_;
  std::unordered_set<size_t> seen_;  // id hashes put into a fresh build
};

}  // namespace

Result<std::unique_ptr<IndexWriter>> OpenLiveIndexWriter(std::string_view data_dir) {
  std::string index_dir = IndexDir(data_dir);
  std::optional<std::string> live = LiveGeneration(index_dir);
  if (!live) return Fail(ErrorCode::kNotFound, "no search index in " + index_dir);
  try {
    Xapian::WritableDatabase db(*live, Xapian::DB_OPEN);
    if (db.get_metadata(xapian::kFormatKey) != xapian::kFormatVersion) {
      return Fail(ErrorCode::kParse, "search index " + *live + " is of another format");
    }
    std::string seq = db.get_metadata(xapian::kChangeSeqKey);
    if (seq.empty()) return Fail(ErrorCode::kParse, "search index " + *live + " is incomplete");
    return std::unique_ptr<IndexWriter>(
        new XapianWriter(std::move(db), *live, index_dir, /*fresh=*/false, std::stoll(seq)));
  } catch (const Xapian::Error& e) {
    return tl::unexpected(XapianError(e, "opening " + *live));
  } catch (const std::exception& e) {  // std::stoll on a damaged marker
    return Fail(ErrorCode::kParse, "search index " + *live + ": bad progress marker");
  }
}

Result<std::unique_ptr<FreshIndexWriter>> CreateFreshIndexWriter(std::string_view data_dir) {
  std::string index_dir = IndexDir(data_dir);
  ASSIGN_OR_RETURN(std::string build, NewBuildDirectory(index_dir));
  try {
    // No fsync per commit: nobody reads a build before PublishBuild, which
    // flushes every file once.
    Xapian::WritableDatabase db(build, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
    return std::unique_ptr<FreshIndexWriter>(
        new XapianWriter(std::move(db), build, index_dir, /*fresh=*/true, 0));
  } catch (const Xapian::Error& e) {
    std::error_code ec;
    std::filesystem::remove_all(build, ec);
    return tl::unexpected(XapianError(e, "creating " + build));
  }
}

}  // namespace paperpulse::search
