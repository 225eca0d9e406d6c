// The fresh build's writer: what it leaves behind in the process and on disk.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <xapian.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "paperpulse/search/index.h"
#include "paperpulse/search/index_dir.h"
#include "paperpulse/search/index_writer.h"
#include "paperpulse/search/xapian/schema.h"

namespace paperpulse::search {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pp_writer_XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

IndexDocument Doc(int i) {
  IndexDocument d;
  char id[16];
  std::snprintf(id, sizeof id, "2401.%05d", i);
  d.paper.id = id;
  d.paper.title = "Paper number " + std::to_string(i) + (i == 4321 ? " zygomorphic" : "");
  d.paper.authors = {"Ada Lovelace"};
  d.paper.categories = {"cs.LG"};
  d.paper.submitted = "2024-01-02T12:00:00Z";
  d.paper.abstract = "An abstract about recurrent networks.";
  return d;
}

// The flush threshold used to reach Xapian through setenv(), which races
// with every other thread's getenv() (libpq, libcurl). A build must leave
// the environment as it found it, and still produce the whole index: more
// documents than a shard holds between its own commits on 2 cores.
TEST(FreshIndexWriter, LeavesTheEnvironmentAloneAndBuildsTheWholeIndex) {
  ASSERT_EQ(::unsetenv("XAPIAN_FLUSH_THRESHOLD"), 0);
  TempDir dir;
  constexpr int kDocs = 4500;
  auto writer = CreateFreshIndexWriter(dir.path());
  ASSERT_TRUE(writer) << writer.error().message;
  for (int i = 0; i < kDocs; ++i) ASSERT_TRUE((*writer)->Put(Doc(i)));
  // Another version of a paper already added replaces it.
  IndexDocument again = Doc(7);
  again.paper.title = "Paper number 7, revised";
  ASSERT_TRUE((*writer)->Put(again));
  Status s = (*writer)->Publish({.change_seq = kDocs + 1, .popularity_seq = 3});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(::getenv("XAPIAN_FLUSH_THRESHOLD"), nullptr);

  auto live = LiveGeneration(IndexDir(dir.path()));
  ASSERT_TRUE(live);
  Xapian::Database db(*live);
  EXPECT_EQ(db.get_doccount(), static_cast<Xapian::doccount>(kDocs));
  EXPECT_EQ(db.get_metadata(xapian::kChangeSeqKey), std::to_string(kDocs + 1));
  EXPECT_EQ(db.get_termfreq(xapian::IdTerm("2401.00007")), 1u);
  EXPECT_EQ(db.get_termfreq(xapian::IdTerm("2401.04499")), 1u);
  auto index = OpenIndex(dir.path());
  ASSERT_TRUE(index) << index.error().message;
  auto found = (*index)->Search("zygomorphic", {});
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->hits.size(), 1u);
  EXPECT_EQ(found->hits[0].id, "2401.04321");
  found = (*index)->Search("revised", {});
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->hits.size(), 1u);
  EXPECT_EQ(found->hits[0].id, "2401.00007");
}

}  // namespace
}  // namespace paperpulse::search
