#include "paperpulse/search/index_dir.h"

#include <gtest/gtest.h>
#include <stdlib.h>

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

  auto build = NewBuildDirectory(dir_.string());
  ASSERT_TRUE(build) << build.error().message;
  auto published = PublishBuild(dir_.string(), *build);
  ASSERT_TRUE(published) << published.error().message;
  // The next number after the real generation, not after an odd folder.
  EXPECT_EQ(fs::path(*published).filename(), "gen-000004");
  EXPECT_EQ(Current(), "gen-000004");
  EXPECT_TRUE(fs::is_directory(dir_ / "gen-000003"));  // the previous one is kept
  for (const char* name : kOddNames) EXPECT_TRUE(fs::is_directory(dir_ / name)) << name;

  // A second publish removes gen-000003, and still nothing odd.
  build = NewBuildDirectory(dir_.string());
  ASSERT_TRUE(build) << build.error().message;
  published = PublishBuild(dir_.string(), *build);
  ASSERT_TRUE(published) << published.error().message;
  EXPECT_EQ(fs::path(*published).filename(), "gen-000005");
  EXPECT_FALSE(fs::exists(dir_ / "gen-000003"));
  for (const char* name : kOddNames) EXPECT_TRUE(fs::is_directory(dir_ / name)) << name;
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
