#include "paperpulse/search/index_dir.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace paperpulse::search {
namespace {

namespace fs = std::filesystem;

class IndexDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "pp_index_dir_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void Mkdir(const std::string& name) { fs::create_directory(dir_ / name); }
  void SetCurrent(const std::string& name) { std::ofstream(dir_ / "CURRENT") << name << "\n"; }
  std::string Current() {
    std::ifstream in(dir_ / "CURRENT");
    std::string name;
    std::getline(in, name);
    return name;
  }

  fs::path dir_;
};

// Folders that look almost like generations: a number too large for a long
// (std::stol threw std::out_of_range on it), the largest long (its
// successor overflowed), no digits, signs, letters. Nothing here may throw,
// and none of them is taken for a generation or removed.
constexpr const char* kOddNames[] = {
    "gen-99999999999999999999",
    "gen-9223372036854775807",
    "gen-1000000000000",
    "gen-",
    "gen--1",
    "gen-+5",
    "gen-12a",
    "gen- 7",
    "gen-0x10",
    "notes",
};

TEST_F(IndexDirTest, OddFoldersAreIgnoredNotFatal) {
  for (const char* name : kOddNames) Mkdir(name);
  Mkdir("gen-000003");
  SetCurrent("gen-000003");
  auto live = LiveGeneration(dir_.string());
  ASSERT_TRUE(live);
  EXPECT_EQ(fs::path(*live).filename(), "gen-000003");

  auto held = HoldLiveGeneration(dir_.string());
  ASSERT_TRUE(held && *held);
  auto build = NewBuildDirectory(dir_.string());
  ASSERT_TRUE(build) << build.error().message;
  auto published = PublishBuild(dir_.string(), *build);
  ASSERT_TRUE(published) << published.error().message;
  // The next number after the real generation, not after an odd folder.
  EXPECT_EQ(fs::path(*published).filename(), "gen-000004");
  EXPECT_EQ(Current(), "gen-000004");
  EXPECT_TRUE(fs::is_directory(dir_ / "gen-000003"));  // held: kept
  for (const char* name : kOddNames) EXPECT_TRUE(fs::is_directory(dir_ / name)) << name;

  // Let go of, gen-000003 goes at the next sweep, and still nothing odd.
  held->reset();
  EXPECT_EQ(SweepGenerations(dir_.string()), 1);
  EXPECT_FALSE(fs::exists(dir_ / "gen-000003"));
  EXPECT_TRUE(fs::is_directory(dir_ / "gen-000004"));
  for (const char* name : kOddNames) EXPECT_TRUE(fs::is_directory(dir_ / name)) << name;
}

// Holds are flock(2) locks on the generation's directory: one of another
// process counts as much as one of this process, and ends with its process.
TEST_F(IndexDirTest, AGenerationHeldByAnyProcessIsKept) {
  Mkdir("gen-000001");
  SetCurrent("gen-000001");
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto held = HoldLiveGeneration(dir_.string());
    char c = held && *held ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    ::pause();  // until killed
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  EXPECT_EQ(c, 'y');
  Mkdir("gen-000002");
  SetCurrent("gen-000002");
  EXPECT_EQ(SweepGenerations(dir_.string()), 0);
  EXPECT_TRUE(fs::is_directory(dir_ / "gen-000001"));
  // kill -9: the kernel drops the lock.
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  EXPECT_EQ(SweepGenerations(dir_.string()), 1);
  EXPECT_FALSE(fs::exists(dir_ / "gen-000001"));
}

// A sweep keeps what is not older than the live generation: the live one,
// a newer one (renamed into place by a publish that has not replaced
// CURRENT yet) and builds; with no live generation it keeps everything.
TEST_F(IndexDirTest, SweepKeepsTheLiveAndNewerGenerations) {
  Mkdir("gen-000001");
  Mkdir("gen-000005");
  Mkdir("gen-000009");
  Mkdir("build-0.tmp-1");
  EXPECT_EQ(SweepGenerations(dir_.string()), 0);  // no CURRENT
  EXPECT_TRUE(fs::is_directory(dir_ / "gen-000001"));
  SetCurrent("gen-000005");
  EXPECT_EQ(SweepGenerations(dir_.string()), 1);
  EXPECT_FALSE(fs::exists(dir_ / "gen-000001"));
  EXPECT_TRUE(fs::is_directory(dir_ / "gen-000005"));
  EXPECT_TRUE(fs::is_directory(dir_ / "gen-000009"));
  EXPECT_TRUE(fs::is_directory(dir_ / "build-0.tmp-1"));
  // The hold is on the live one, not the newest.
  auto held = HoldLiveGeneration(dir_.string());
  ASSERT_TRUE(held && *held);
  EXPECT_EQ(fs::path((*held)->path).filename(), "gen-000005");
}

TEST_F(IndexDirTest, CurrentNamingAnOddFolderMeansNoIndex) {
  for (const char* name : kOddNames) {
    Mkdir(name);
    SetCurrent(name);
    EXPECT_FALSE(LiveGeneration(dir_.string())) << name;
  }
  SetCurrent("../gen-000001");
  EXPECT_FALSE(LiveGeneration(dir_.string()));
}

TEST_F(IndexDirTest, LeftoverBuildsWithOddOwnersAreRemovedWithoutThrowing) {
  // A build directory names its process; one whose "pid" is no pid (too
  // large, not a number) has no live owner.
  for (const char* name : {"build-0.tmp-99999999999999999999", "build-1.tmp-", "build-2.tmp-abc",
                           "gen-000009.tmp-4294967297"}) {
    Mkdir(name);
  }
  auto build = NewBuildDirectory(dir_.string());
  ASSERT_TRUE(build) << build.error().message;
  size_t left = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().string(), *build);
    ++left;
  }
  EXPECT_EQ(left, 1u);
}

}  // namespace
}  // namespace paperpulse::search
