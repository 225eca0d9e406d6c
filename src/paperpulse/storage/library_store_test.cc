// The Store's personal libraries, reading lists and comments, on every
// backend (SQLite always, PostgreSQL when PAPERPULSE_TEST_PG is set): the
// same fixture as store_test.cc, in a binary of its own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <latch>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "paperpulse/storage/store.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Paper MakePaper(const std::string& id) {
  Paper p;
  p.id = id;
  p.title = "Title of " + id;
  p.abstract = "About " + id + ".";
  p.authors = {"Ada Lovelace"};
  p.categories = {"cs.CL"};
  p.latest_version = 1;
  p.versions = {{1, "2024-05-01T10:00:00Z", "1kb"}};
  p.submitted = "2024-05-01T10:00:00Z";
  p.updated = p.submitted;
  return p;
}

DailyEntry Entry(const std::string& date, const std::string& id, int64_t comments) {
  DailyEntry e;
  e.date = date;
  e.paper_id = id;
  e.upvotes = 5;
  e.num_comments = comments;
  e.submitted_at = date + "T08:00:00Z";
  e.source = "hf";
  return e;
}

// The error code of a failed call; nullopt when it succeeded.
template <typename R>
std::optional<ErrorCode> CodeOf(const R& r) {
  if (r) return std::nullopt;
  return r.error().code;
}

// Retries a write that lost a conflict, as a client of the API would.
template <typename Fn>
auto WithRetries(Fn&& fn) {
  auto r = fn();
  for (int i = 0; i < 20 && !r && r.error().code == ErrorCode::kAborted; ++i) r = fn();
  return r;
}

class LibraryStoreTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    for (const char* id : {"2405.00001", "2405.00002", "2405.00003", "2405.00004"}) {
      ASSERT_TRUE(store_->UpsertPaper(MakePaper(id)));
    }
    alice_ = NewAccount("alice");
    bob_ = NewAccount("bob");
  }

  // A named account.
  int64_t NewAccount(const std::string& name) {
    auto account = store_->FindOrCreateAccount(name + "@example.org", "2024-05-01T00:00:00Z");
    EXPECT_TRUE(account) << account.error().ToString();
    EXPECT_TRUE(store_->SetAccountName(account->id, name));
    return account->id;
  }

  LibraryEntry Saved(int64_t user, const std::string& paper, std::vector<std::string> tags,
                     const std::string& note = "") {
    LibraryEntry e;
    e.user_id = user;
    e.paper_id = paper;
    e.tags = std::move(tags);
    e.note = note;
    return e;
  }

  ReadingList List(int64_t owner, const std::string& slug) {
    ReadingList l;
    l.owner_id = owner;
    l.slug = slug;
    l.title = "Title " + slug;
    l.description = "About " + slug;
    l.visibility = ListVisibility::kPublic;
    return l;
  }

  // The paper ids of a list, by position; fails the test unless the
  // positions are exactly 0..size-1.
  std::vector<std::string> Order(int64_t list_id) {
    auto items = store_->ReadingListItems(list_id);
    EXPECT_TRUE(items) << items.error().ToString();
    std::vector<std::string> ids;
    for (size_t i = 0; i < items->size(); ++i) {
      EXPECT_EQ((*items)[i].position, static_cast<int64_t>(i)) << (*items)[i].paper_id;
      ids.push_back((*items)[i].paper_id);
    }
    return ids;
  }

  Result<Comment> AddComment(int64_t user, const std::string& paper, int64_t parent,
                             const std::string& text) {
    Comment c;
    c.user_id = user;
    c.paper_id = paper;
    c.parent_id = parent;
    c.text = text;
    return store_->AddComment(c, "2024-05-08T10:00:00Z");
  }

  // What every reader shows as the paper's comment count, checked to agree
  // between DailyEntriesBetween, DailyEntriesForPaper and GetPopularity.
  int64_t NumComments(const std::string& paper, int64_t imported) {
    auto between = store_->DailyEntriesBetween("2024-05-08", "2024-05-08");
    auto for_paper = store_->DailyEntriesForPaper(paper);
    auto popularity = store_->GetPopularity(paper);
    EXPECT_TRUE(between && for_paper && popularity);
    int64_t local = *popularity ? (*popularity)->local_comments : 0;
    for (const DailyEntry& e : *between) {
      if (e.paper_id != paper) continue;
      EXPECT_EQ(e.num_comments, imported + local);
      EXPECT_EQ(e.local_comments, local);
    }
    EXPECT_EQ(for_paper->size(), 1u);
    EXPECT_EQ(for_paper->front().num_comments, imported + local);
    EXPECT_EQ(for_paper->front().local_comments, local);
    return for_paper->front().num_comments;
  }

  int64_t alice_ = 0, bob_ = 0;
};

// ---- Personal libraries.

TEST_P(LibraryStoreTest, SavingUpsertsAndKeepsTheFirstSaveTime) {
  auto first = store_->SaveToLibrary(Saved(alice_, "2405.00001", {"b", "a", "b"}, "read §3"), "t1");
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->entry.user_id, alice_);
  EXPECT_EQ(first->entry.paper_id, "2405.00001");
  EXPECT_THAT(first->entry.tags, ElementsAre("b", "a"));
  EXPECT_EQ(first->entry.note, "read §3");
  EXPECT_EQ(first->entry.saved_at, "t1");
  EXPECT_EQ(first->entry.updated_at, "t1");

  auto again = store_->SaveToLibrary(Saved(alice_, "2405.00001", {"c"}, "done"), "t2");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_FALSE(again->created);
  EXPECT_THAT(again->entry.tags, ElementsAre("c"));
  EXPECT_EQ(again->entry.note, "done");
  EXPECT_EQ(again->entry.saved_at, "t1");
  EXPECT_EQ(again->entry.updated_at, "t2");
  auto stored = **store_->GetLibraryEntry(alice_, "2405.00001");
  EXPECT_THAT(stored.tags, ElementsAre("c"));
  EXPECT_EQ(stored.note, "done");
  EXPECT_EQ(stored.saved_at, "t1");
  EXPECT_EQ(stored.updated_at, "t2");

  // Untagging keeps the entry.
  ASSERT_TRUE(store_->SaveToLibrary(Saved(alice_, "2405.00001", {}), "t3"));
  EXPECT_THAT((*store_->GetLibraryEntry(alice_, "2405.00001"))->tags, IsEmpty());
  EXPECT_TRUE(store_->LibraryTags(alice_)->empty());

  // Bob's library is his own.
  EXPECT_FALSE(*store_->GetLibraryEntry(bob_, "2405.00001"));
  EXPECT_TRUE(store_->Library(bob_, "")->empty());
  EXPECT_FALSE(*store_->RemoveFromLibrary(bob_, "2405.00001"));

  EXPECT_TRUE(*store_->RemoveFromLibrary(alice_, "2405.00001"));
  EXPECT_FALSE(*store_->RemoveFromLibrary(alice_, "2405.00001"));
  EXPECT_FALSE(*store_->GetLibraryEntry(alice_, "2405.00001"));
  // Saved again after removal: a new entry with a new save time.
  auto back = store_->SaveToLibrary(Saved(alice_, "2405.00001", {"x"}), "t4");
  EXPECT_TRUE(back->created);
  EXPECT_EQ(back->entry.saved_at, "t4");
}

TEST_P(LibraryStoreTest, SavingNeedsAPaperAndAnAccount) {
  EXPECT_EQ(CodeOf(store_->SaveToLibrary(Saved(alice_, "2405.99999", {"a"}), "t")),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->SaveToLibrary(Saved(alice_ + bob_ + 100, "2405.00001", {"a"}), "t")),
            ErrorCode::kNotFound);
  EXPECT_TRUE(store_->Library(alice_, "")->empty());
}

TEST_P(LibraryStoreTest, LibraryIsNewestFirstAndFiltersByTag) {
  ASSERT_TRUE(store_->SaveToLibrary(Saved(alice_, "2405.00002", {"ml", "to-read"}), "t1"));
  ASSERT_TRUE(store_->SaveToLibrary(Saved(alice_, "2405.00001", {"ml"}), "t1"));
  ASSERT_TRUE(store_->SaveToLibrary(Saved(alice_, "2405.00003", {"Zeta", "to-read"}), "t2"));
  ASSERT_TRUE(store_->SaveToLibrary(Saved(bob_, "2405.00004", {"ml"}), "t3"));

  auto all = store_->Library(alice_, "");
  ASSERT_TRUE(all) << all.error().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].paper_id, "2405.00003");
  EXPECT_EQ((*all)[1].paper_id, "2405.00001");  // same save time: by id
  EXPECT_EQ((*all)[2].paper_id, "2405.00002");
  EXPECT_THAT((*all)[2].tags, ElementsAre("ml", "to-read"));

  auto ml = *store_->Library(alice_, "ml");
  ASSERT_EQ(ml.size(), 2u);
  EXPECT_EQ(ml[0].paper_id, "2405.00001");
  EXPECT_EQ(ml[1].paper_id, "2405.00002");
  // The entries keep all their tags, not only the one filtered by.
  EXPECT_THAT(ml[1].tags, ElementsAre("ml", "to-read"));
  EXPECT_TRUE(store_->Library(alice_, "ML")->empty());  // exact match
  EXPECT_TRUE(store_->Library(alice_, "nothing")->empty());

  auto tags = store_->LibraryTags(alice_);
  ASSERT_TRUE(tags) << tags.error().ToString();
  ASSERT_EQ(tags->size(), 3u);
  EXPECT_EQ((*tags)[0].tag, "Zeta");  // byte order
  EXPECT_EQ((*tags)[0].count, 1);
  EXPECT_EQ((*tags)[1].tag, "ml");
  EXPECT_EQ((*tags)[1].count, 2);
  EXPECT_EQ((*tags)[2].tag, "to-read");
  EXPECT_EQ((*tags)[2].count, 2);
  EXPECT_EQ(store_->LibraryTags(bob_)->size(), 1u);

  EXPECT_THAT(
      *store_->SavedPapers(alice_, {"2405.00004", "2405.00003", "2405.99999", "2405.00001"}),
      ElementsAre("2405.00003", "2405.00001"));
  EXPECT_THAT(*store_->SavedPapers(bob_, {"2405.00001", "2405.00004"}), ElementsAre("2405.00004"));
  EXPECT_TRUE(store_->SavedPapers(alice_, {})->empty());
  // More ids than one statement binds.
  std::vector<std::string> many;
  for (int i = 0; i < 250; ++i) many.push_back("2405.1" + std::to_string(1000 + i));
  many.push_back("2405.00002");
  EXPECT_THAT(*store_->SavedPapers(alice_, many), ElementsAre("2405.00002"));
}

TEST_P(LibraryStoreTest, PapersAreFoundByDoiIgnoringCase) {
  Paper p = MakePaper("2405.00001");
  p.doi = "10.1103/PhysRevD.76.013009";
  ASSERT_TRUE(store_->UpsertPaper(p));
  EXPECT_EQ(*store_->PaperIdOfDoi("10.1103/physrevd.76.013009"), "2405.00001");
  EXPECT_EQ(*store_->PaperIdOfDoi("10.1103/PHYSREVD.76.013009"), "2405.00001");
  EXPECT_FALSE(*store_->PaperIdOfDoi("10.1103/PhysRevD.76.013010"));
  // Papers without a DOI match nothing, not the empty one.
  EXPECT_FALSE(*store_->PaperIdOfDoi(""));
}

// ---- Reading lists.

TEST_P(LibraryStoreTest, ReadingListsAreCreatedReadAndChanged) {
  ReadingList week = List(alice_, "this-week");
  week.visibility = ListVisibility::kUnlisted;
  week.secret_hash = "hash1";
  auto id = store_->CreateReadingList(week, "t1");
  ASSERT_TRUE(id) << id.error().ToString();
  auto got = store_->GetReadingList(alice_, "this-week");
  ASSERT_TRUE(got && *got) << (got ? "missing" : got.error().ToString());
  EXPECT_EQ((*got)->id, *id);
  EXPECT_EQ((*got)->owner_id, alice_);
  EXPECT_EQ((*got)->owner_name, "alice");
  EXPECT_EQ((*got)->title, "Title this-week");
  EXPECT_EQ((*got)->description, "About this-week");
  EXPECT_EQ((*got)->visibility, ListVisibility::kUnlisted);
  EXPECT_EQ((*got)->secret_hash, "hash1");
  EXPECT_EQ((*got)->created_at, "t1");
  EXPECT_EQ((*got)->updated_at, "t1");
  EXPECT_EQ((*got)->size, 0);
  EXPECT_EQ((**store_->GetReadingListById(*id)).slug, "this-week");
  EXPECT_FALSE(*store_->GetReadingList(bob_, "this-week"));
  EXPECT_FALSE(*store_->GetReadingListById(*id + 100));

  EXPECT_EQ(CodeOf(store_->CreateReadingList(List(alice_, "this-week"), "t2")),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(store_->CreateReadingList(List(alice_ + bob_ + 100, "x"), "t2")),
            ErrorCode::kNotFound);
  // Slugs are per owner.
  ASSERT_TRUE(store_->CreateReadingList(List(bob_, "this-week"), "t2"));
  auto older = store_->CreateReadingList(List(alice_, "archive"), "t0");
  ASSERT_TRUE(older);

  auto lists = *store_->ReadingListsOf(alice_);
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[0].slug, "this-week");
  EXPECT_EQ(lists[1].slug, "archive");
  // Putting a paper updates the list: it moves to the front.
  ASSERT_TRUE(store_->PutReadingListItem(*older, "2405.00001", -1, "", "t5", 0));
  lists = *store_->ReadingListsOf(alice_);
  EXPECT_EQ(lists[0].slug, "archive");
  EXPECT_EQ(lists[0].updated_at, "t5");
  EXPECT_EQ(lists[0].size, 1);

  ReadingList changed = **store_->GetReadingListById(*id);
  changed.slug = "next-week";
  changed.title = "Next";
  changed.description = "";
  changed.visibility = ListVisibility::kPrivate;
  changed.secret_hash = "";
  ASSERT_TRUE(store_->UpdateReadingList(changed, "t6"));
  auto updated = **store_->GetReadingListById(*id);
  EXPECT_EQ(updated.slug, "next-week");
  EXPECT_EQ(updated.title, "Next");
  EXPECT_EQ(updated.description, "");
  EXPECT_EQ(updated.visibility, ListVisibility::kPrivate);
  EXPECT_EQ(updated.secret_hash, "");
  EXPECT_EQ(updated.created_at, "t1");
  EXPECT_EQ(updated.updated_at, "t6");
  EXPECT_FALSE(*store_->GetReadingList(alice_, "this-week"));

  changed.slug = "archive";
  auto taken = store_->UpdateReadingList(changed, "t7");
  EXPECT_EQ(CodeOf(taken), ErrorCode::kAlreadyExists);
  EXPECT_EQ((**store_->GetReadingListById(*id)).slug, "next-week");
  changed.id = *id + 100;
  EXPECT_EQ(CodeOf(store_->UpdateReadingList(changed, "t7")), ErrorCode::kNotFound);

  // Deleting takes the items along.
  ASSERT_TRUE(store_->DeleteReadingList(*older));
  EXPECT_FALSE(*store_->GetReadingListById(*older));
  EXPECT_TRUE(store_->ReadingListItems(*older)->empty());
  EXPECT_EQ(CodeOf(store_->DeleteReadingList(*older)), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ReadingListsOf(alice_)->size(), 1u);
  // The slug is free again.
  EXPECT_TRUE(store_->CreateReadingList(List(alice_, "archive"), "t8"));
}

TEST_P(LibraryStoreTest, ReadingListItemsKeepDensePositions) {
  int64_t list = *store_->CreateReadingList(List(alice_, "l"), "t");
  ASSERT_TRUE(store_->PutReadingListItem(list, "2405.00001", -1, "first", "t1", 0));
  ASSERT_TRUE(store_->PutReadingListItem(list, "2405.00002", 99, "", "t2", 0));
  ASSERT_TRUE(store_->PutReadingListItem(list, "2405.00003", 2, "", "t3", 0));
  EXPECT_THAT(Order(list), ElementsAre("2405.00001", "2405.00002", "2405.00003"));
  ASSERT_TRUE(store_->PutReadingListItem(list, "2405.00004", 0, "", "t4", 0));
  EXPECT_THAT(Order(list), ElementsAre("2405.00004", "2405.00001", "2405.00002", "2405.00003"));

  // Moves, up and down, and to the end; a moved paper takes the new note
  // and keeps when it was added.
  ASSERT_TRUE(store_->PutReadingListItem(list, "2405.00003", 1, "moved", "t5", 0));
  EXPECT_THAT(Order(list), ElementsAre("2405.00004", "2405.00003", "2405.00001", "2405.00002"));
  ASSERT_TRUE(store_->PutReadingListItem(list, "2405.00004", 2, "", "t6", 0));
  EXPECT_THAT(Order(list), ElementsAre("2405.00003", "2405.00001", "2405.00004", "2405.00002"));
  ASSERT_TRUE(store_->PutReadingListItem(list, "2405.00003", -1, "last", "t7", 0));
  EXPECT_THAT(Order(list), ElementsAre("2405.00001", "2405.00004", "2405.00002", "2405.00003"));
  ASSERT_TRUE(store_->PutReadingListItem(list, "2405.00002", 2, "same place", "t8", 0));
  auto items = *store_->ReadingListItems(list);
  EXPECT_EQ(items[0].note, "first");
  EXPECT_EQ(items[0].added_at, "t1");
  EXPECT_EQ(items[2].note, "same place");
  EXPECT_EQ(items[3].note, "last");
  EXPECT_EQ(items[3].added_at, "t3");
  EXPECT_EQ((**store_->GetReadingListById(list)).size, 4);

  // Full: a new paper is refused, a move is not.
  ReadingList other = List(alice_, "small");
  int64_t small = *store_->CreateReadingList(other, "t");
  ASSERT_TRUE(store_->PutReadingListItem(small, "2405.00001", -1, "", "t", 2));
  ASSERT_TRUE(store_->PutReadingListItem(small, "2405.00002", -1, "", "t", 2));
  EXPECT_EQ(CodeOf(store_->PutReadingListItem(small, "2405.00003", 0, "", "t", 2)),
            ErrorCode::kResourceExhausted);
  ASSERT_TRUE(store_->PutReadingListItem(small, "2405.00002", 0, "", "t", 2));
  EXPECT_THAT(Order(small), ElementsAre("2405.00002", "2405.00001"));

  EXPECT_EQ(CodeOf(store_->PutReadingListItem(list + small + 100, "2405.00001", 0, "", "t", 0)),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->PutReadingListItem(list, "2405.99999", 0, "", "t", 0)),
            ErrorCode::kNotFound);

  // Removing closes up the positions.
  EXPECT_TRUE(*store_->RemoveReadingListItem(list, "2405.00004"));
  EXPECT_THAT(Order(list), ElementsAre("2405.00001", "2405.00002", "2405.00003"));
  EXPECT_FALSE(*store_->RemoveReadingListItem(list, "2405.00004"));
  EXPECT_TRUE(*store_->RemoveReadingListItem(list, "2405.00001"));
  EXPECT_THAT(Order(list), ElementsAre("2405.00002", "2405.00003"));
  EXPECT_FALSE(*store_->RemoveReadingListItem(list + small + 100, "2405.00002"));
}

TEST_P(LibraryStoreTest, ContentVersionGrowsWithEveryListAndCommentWrite) {
  int64_t version = *store_->ContentVersion();
  auto grew = [&](const char* what) {
    int64_t now = *store_->ContentVersion();
    EXPECT_GT(now, version) << what;
    // Every connection reads the same committed version.
    EXPECT_EQ(*db_->Open()->ContentVersion(), now) << what;
    version = now;
  };
  int64_t list = *store_->CreateReadingList(List(alice_, "l"), "t");
  grew("create");
  ReadingList l = **store_->GetReadingListById(list);
  l.title = "New title";
  ASSERT_TRUE(store_->UpdateReadingList(l, "t"));
  grew("update");
  ASSERT_TRUE(store_->PutReadingListItem(list, "2405.00001", 0, "", "t", 0));
  grew("put");
  ASSERT_TRUE(store_->PutReadingListItem(list, "2405.00001", 0, "new note", "t", 0));
  grew("put again");
  ASSERT_TRUE(*store_->RemoveReadingListItem(list, "2405.00001"));
  grew("remove");
  ASSERT_FALSE(*store_->RemoveReadingListItem(list, "2405.00001"));
  EXPECT_EQ(*store_->ContentVersion(), version);  // nothing changed
  ASSERT_TRUE(store_->DeleteReadingList(list));
  grew("delete list");

  int64_t c = AddComment(alice_, "2405.00001", 0, "hello")->id;
  grew("comment");
  int64_t reply = AddComment(bob_, "2405.00001", c, "hi")->id;
  grew("reply");
  ASSERT_TRUE(store_->EditComment(c, "hello again", "t"));
  grew("edit");
  ASSERT_TRUE(store_->SetCommentHidden(reply, true));
  grew("hide");
  ASSERT_TRUE(store_->SetCommentHidden(reply, false));
  grew("show");
  ASSERT_TRUE(store_->DeleteComment(c, "t"));
  grew("delete comment");
  ASSERT_TRUE(store_->DeleteComment(c, "t"));
  EXPECT_EQ(*store_->ContentVersion(), version);  // nothing changed

  // Libraries are private: no cached page shows them.
  ASSERT_TRUE(store_->SaveToLibrary(Saved(alice_, "2405.00001", {"a"}), "t"));
  EXPECT_EQ(*store_->ContentVersion(), version);
}

// ---- Comments.

TEST_P(LibraryStoreTest, CommentsAreThreadedOneLevelDeep) {
  auto first = AddComment(alice_, "2405.00001", 0, "First *comment* <script>x</script>");
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_GT(first->id, 0);
  EXPECT_EQ(first->paper_id, "2405.00001");
  EXPECT_EQ(first->user_id, alice_);
  EXPECT_EQ(first->author_name, "alice");
  EXPECT_EQ(first->parent_id, 0);
  EXPECT_EQ(first->text, "First *comment* <script>x</script>");  // verbatim
  EXPECT_EQ(first->created_at, "2024-05-08T10:00:00Z");
  EXPECT_EQ(first->edited_at, "");
  EXPECT_FALSE(first->deleted);
  EXPECT_FALSE(first->hidden);
  auto got = **store_->GetComment(first->id);
  EXPECT_EQ(got.text, first->text);
  EXPECT_EQ(got.author_name, "alice");
  EXPECT_EQ(got.created_at, first->created_at);

  int64_t second = AddComment(bob_, "2405.00001", 0, "Second")->id;
  int64_t reply1 = AddComment(bob_, "2405.00001", first->id, "Reply 1")->id;
  int64_t reply2 = AddComment(alice_, "2405.00001", second, "Reply 2")->id;
  int64_t reply3 = AddComment(alice_, "2405.00001", first->id, "Reply 3")->id;
  ASSERT_TRUE(AddComment(alice_, "2405.00002", 0, "Elsewhere"));

  auto thread = store_->CommentsOfPaper("2405.00001");
  ASSERT_TRUE(thread) << thread.error().ToString();
  std::vector<int64_t> ids;
  for (const Comment& c : *thread) ids.push_back(c.id);
  EXPECT_THAT(ids, ElementsAre(first->id, reply1, reply3, second, reply2));
  EXPECT_EQ((*thread)[1].author_name, "bob");
  EXPECT_EQ((*thread)[1].parent_id, first->id);
  EXPECT_TRUE(store_->CommentsOfPaper("2405.00003")->empty());

  // Replies answer top-level comments of the same paper only.
  EXPECT_EQ(CodeOf(AddComment(alice_, "2405.00001", reply1, "nested")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(AddComment(alice_, "2405.00002", first->id, "other paper")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(AddComment(alice_, "2405.00001", reply3 + 100, "no parent")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(AddComment(alice_, "2405.99999", 0, "no paper")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(AddComment(alice_ + bob_ + 100, "2405.00001", 0, "no account")),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->CommentsOfPaper("2405.00001")->size(), 5u);
}

TEST_P(LibraryStoreTest, CommentsAreEditedDeletedAndHidden) {
  int64_t top = AddComment(alice_, "2405.00001", 0, "Top")->id;
  int64_t other = AddComment(bob_, "2405.00001", 0, "Other")->id;

  ASSERT_TRUE(store_->EditComment(top, "Top, edited", "2024-05-09T00:00:00Z"));
  auto edited = **store_->GetComment(top);
  EXPECT_EQ(edited.text, "Top, edited");
  EXPECT_EQ(edited.edited_at, "2024-05-09T00:00:00Z");
  EXPECT_EQ(edited.created_at, "2024-05-08T10:00:00Z");

  ASSERT_TRUE(store_->SetCommentHidden(other, true));
  EXPECT_TRUE((**store_->GetComment(other)).hidden);
  EXPECT_EQ((**store_->GetComment(other)).text, "Other");  // kept for the audit
  EXPECT_EQ(CodeOf(AddComment(alice_, "2405.00001", other, "to a hidden one")),
            ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(store_->SetCommentHidden(other, true));  // idempotent
  ASSERT_TRUE(store_->SetCommentHidden(other, false));
  EXPECT_TRUE(AddComment(alice_, "2405.00001", other, "to a shown one"));

  ASSERT_TRUE(store_->DeleteComment(top, "2024-05-10T00:00:00Z"));
  auto deleted = **store_->GetComment(top);
  EXPECT_TRUE(deleted.deleted);
  EXPECT_EQ(deleted.text, "");
  EXPECT_EQ(deleted.edited_at, "2024-05-10T00:00:00Z");
  EXPECT_FALSE(deleted.visible());
  ASSERT_TRUE(store_->DeleteComment(top, "2024-05-11T00:00:00Z"));  // idempotent
  EXPECT_EQ((**store_->GetComment(top)).edited_at, "2024-05-10T00:00:00Z");
  EXPECT_EQ(CodeOf(store_->EditComment(top, "back", "t")), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(AddComment(bob_, "2405.00001", top, "to a deleted one")),
            ErrorCode::kFailedPrecondition);
  // Deleted comments stay in the thread (the caller decides what to show).
  EXPECT_EQ(store_->CommentsOfPaper("2405.00001")->size(), 3u);

  EXPECT_FALSE(*store_->GetComment(top + 100));
  EXPECT_EQ(CodeOf(store_->EditComment(top + 100, "x", "t")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->DeleteComment(top + 100, "t")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->SetCommentHidden(top + 100, true)), ErrorCode::kNotFound);
}

TEST_P(LibraryStoreTest, NumCommentsIsImportedPlusVisibleLocalComments) {
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-08", "2405.00001", 3)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-08", "2405.00002", 0)));
  EXPECT_EQ(NumComments("2405.00001", 3), 3);

  int64_t top = AddComment(alice_, "2405.00001", 0, "Top")->id;
  EXPECT_EQ(NumComments("2405.00001", 3), 4);
  int64_t reply = AddComment(bob_, "2405.00001", top, "Reply")->id;
  EXPECT_EQ(NumComments("2405.00001", 3), 5);
  int64_t second = AddComment(bob_, "2405.00001", 0, "Second")->id;
  EXPECT_EQ(NumComments("2405.00001", 3), 6);
  EXPECT_EQ((**store_->GetPopularity("2405.00001")).local_comments, 3);
  EXPECT_EQ(NumComments("2405.00002", 0), 0);  // other papers untouched

  ASSERT_TRUE(store_->SetCommentHidden(reply, true));
  EXPECT_EQ(NumComments("2405.00001", 3), 5);
  ASSERT_TRUE(store_->SetCommentHidden(reply, true));
  EXPECT_EQ(NumComments("2405.00001", 3), 5);
  ASSERT_TRUE(store_->SetCommentHidden(reply, false));
  EXPECT_EQ(NumComments("2405.00001", 3), 6);
  ASSERT_TRUE(store_->EditComment(top, "Edited", "t"));
  EXPECT_EQ(NumComments("2405.00001", 3), 6);

  ASSERT_TRUE(store_->DeleteComment(top, "t"));
  EXPECT_EQ(NumComments("2405.00001", 3), 5);
  ASSERT_TRUE(store_->DeleteComment(top, "t"));
  EXPECT_EQ(NumComments("2405.00001", 3), 5);
  // A hidden comment deleted, and a deleted one hidden or shown: no change.
  ASSERT_TRUE(store_->SetCommentHidden(second, true));
  EXPECT_EQ(NumComments("2405.00001", 3), 4);
  ASSERT_TRUE(store_->DeleteComment(second, "t"));
  EXPECT_EQ(NumComments("2405.00001", 3), 4);
  ASSERT_TRUE(store_->SetCommentHidden(second, false));
  EXPECT_EQ(NumComments("2405.00001", 3), 4);
  ASSERT_TRUE(store_->SetCommentHidden(top, true));
  EXPECT_EQ(NumComments("2405.00001", 3), 4);
  EXPECT_EQ((**store_->GetPopularity("2405.00001")).local_comments, 1);  // the reply

  // Re-imports keep the imported count apart from the local comments: the
  // same record, a newer one, and an entry as read from the Store.
  EXPECT_EQ(*store_->UpsertDailyEntry(Entry("2024-05-08", "2405.00001", 3)),
            WriteOutcome::kUnchanged);
  DailyEntry read = (*store_->DailyEntriesForPaper("2405.00001"))[0];
  ASSERT_EQ(read.num_comments, 4);
  EXPECT_EQ(*store_->UpsertDailyEntry(read), WriteOutcome::kUnchanged);
  EXPECT_EQ(NumComments("2405.00001", 3), 4);
  ASSERT_EQ(*store_->UpsertDailyEntry(Entry("2024-05-08", "2405.00001", 7)),
            WriteOutcome::kUpdated);
  EXPECT_EQ(NumComments("2405.00001", 7), 8);
}

TEST_P(LibraryStoreTest, CommentsCountOnPapersWithoutDailyEntries) {
  EXPECT_FALSE(*store_->GetPopularity("2405.00003"));
  int64_t c = AddComment(alice_, "2405.00003", 0, "Unlisted paper")->id;
  auto pop = **store_->GetPopularity("2405.00003");
  EXPECT_EQ(pop.local_comments, 1);
  EXPECT_EQ(pop.local_votes, 0);
  ASSERT_TRUE(store_->DeleteComment(c, "t"));
  EXPECT_EQ((**store_->GetPopularity("2405.00003")).local_comments, 0);
}

// ---- Concurrent writers, each on its own connection.

// 20 accounts at once, each commenting on two papers and saving papers:
// nothing lost, the counts exact.
TEST_P(LibraryStoreTest, TwentyConcurrentUsersCommentAndSave) {
  constexpr int kUsers = 20, kCommentsEach = 3;
  const std::vector<std::string> papers = {"2405.00001", "2405.00002"};
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-08", "2405.00001", 2)));
  std::vector<int64_t> users;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kUsers; ++i) {
    users.push_back(NewAccount("user" + std::to_string(i)));
    stores.push_back(db_->Open());
  }
  std::vector<std::string> failures(kUsers);
  std::latch start(kUsers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kUsers; ++i) {
    threads.emplace_back([&, i] {
      Store& store = *stores[i];
      start.arrive_and_wait();
      auto fail = [&](const Error& e) {
        if (failures[i].empty()) failures[i] = e.ToString();
      };
      for (int j = 0; j < kCommentsEach; ++j) {
        for (const std::string& paper : papers) {
          Comment c;
          c.user_id = users[i];
          c.paper_id = paper;
          c.text = "comment " + std::to_string(j) + " of user " + std::to_string(i);
          auto added = WithRetries([&] { return store.AddComment(c, "t"); });
          if (!added) fail(added.error());
        }
        LibraryEntry e;
        e.user_id = users[i];
        e.paper_id = papers[j % papers.size()];
        e.tags = {"t" + std::to_string(j)};
        auto saved = WithRetries([&] { return store.SaveToLibrary(e, "t"); });
        if (!saved) fail(saved.error());
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& f : failures) EXPECT_EQ(f, "");

  for (const std::string& paper : papers) {
    auto comments = *store_->CommentsOfPaper(paper);
    EXPECT_EQ(comments.size(), static_cast<size_t>(kUsers * kCommentsEach)) << paper;
    std::set<std::string> texts;
    for (const Comment& c : comments) texts.insert(c.text);
    EXPECT_EQ(texts.size(), comments.size()) << paper;
    EXPECT_EQ((**store_->GetPopularity(paper)).local_comments, kUsers * kCommentsEach) << paper;
  }
  EXPECT_EQ(NumComments("2405.00001", 2), 2 + kUsers * kCommentsEach);
  for (int i = 0; i < kUsers; ++i) {
    auto library = *store_->Library(users[i], "");
    ASSERT_EQ(library.size(), 2u) << i;
    // The last save of each paper set its tags.
    EXPECT_THAT((*store_->GetLibraryEntry(users[i], "2405.00001"))->tags, ElementsAre("t2"));
    EXPECT_THAT((*store_->GetLibraryEntry(users[i], "2405.00002"))->tags, ElementsAre("t1"));
  }
}

// Several connections putting and moving papers on one list at once: every
// paper is on it once, at positions 0..n-1.
TEST_P(LibraryStoreTest, ConcurrentPutsOnOneListKeepPositionsDense) {
  constexpr int kThreads = 6, kPapersEach = 5;
  int64_t list = *store_->CreateReadingList(List(alice_, "group"), "t");
  std::vector<std::string> papers;
  for (int i = 0; i < kThreads * kPapersEach; ++i) {
    papers.push_back("2406." + std::to_string(10000 + i));
    ASSERT_TRUE(store_->UpsertPaper(MakePaper(papers.back())));
  }
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kThreads; ++i) stores.push_back(db_->Open());
  std::vector<std::string> failures(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::minstd_rand rng(t + 1);
      start.arrive_and_wait();
      for (int j = 0; j < kPapersEach; ++j) {
        const std::string& paper = papers[t * kPapersEach + j];
        // New papers at random places, then a move of an earlier one.
        for (const std::string& p : {paper, papers[t * kPapersEach + rng() % (j + 1)]}) {
          int64_t position = static_cast<int64_t>(rng() % 8) - 2;  // -2 .. 5
          auto put = WithRetries(
              [&] { return stores[t]->PutReadingListItem(list, p, position, "", "t", 0); });
          if (!put && failures[t].empty()) failures[t] = put.error().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& f : failures) EXPECT_EQ(f, "");
  std::vector<std::string> order = Order(list);
  EXPECT_EQ(order.size(), papers.size());
  EXPECT_EQ(std::set<std::string>(order.begin(), order.end()),
            std::set<std::string>(papers.begin(), papers.end()));
  EXPECT_EQ((**store_->GetReadingListById(list)).size, static_cast<int64_t>(papers.size()));
}

INSTANTIATE_TEST_SUITE_P(Backends, LibraryStoreTest, ::testing::ValuesIn(testing::AllBackends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace paperpulse::storage
