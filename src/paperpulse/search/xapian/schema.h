// How a paper is laid out in the Xapian database: term prefixes, value
// slots, stored data, metadata keys. Shared by the writer and the reader of
// the adapter; nothing outside search/xapian/ sees it.
//
// Words are normalised by search/text.h and stemmed (English, Porter2); the
// stems carry positions, so phrases match on stems, as in FTS5 with the
// porter tokenizer, and unstemmed words are not stored at all (half the
// positional data).
//
//   Z<stem>      title (wdf x kTitleBoost), abstract, author names; positions
//   ZS<stem>     title only, positions (title:)
//   ZB<stem>     abstract only, no positions (abs:; abs:"..." adds a Z phrase)
//   A<surname>   surname, also with particles ("beethoven", "van beethoven")
//   XN<name>     full name and initial form ("yann lecun", "y lecun")
//   XC<cat>      every category and its archive ("cs.cl", "cs"); boolean
//   Y<year>      year of v1; boolean
//   Q<id>        base arXiv id; boolean, unique
//   XT<title>    whole normalised title (exact-title match); boolean
// Values: date of v1 "YYYYMMDD" (string order), upvotes and trending
// (sortable_serialise). Spelling data: the words of titles.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/search/index_writer.h"

namespace paperpulse::search::xapian {

inline constexpr Xapian::valueno kDateSlot = 0;
inline constexpr Xapian::valueno kUpvotesSlot = 1;
inline constexpr Xapian::valueno kTrendingSlot = 2;

inline constexpr std::string_view kStemPrefix = "Z";
inline constexpr std::string_view kTitlePrefix = "ZS";
inline constexpr std::string_view kAbstractPrefix = "ZB";
inline constexpr std::string_view kSurnamePrefix = "A";
inline constexpr std::string_view kFullNamePrefix = "XN";
inline constexpr std::string_view kCategoryPrefix = "XC";
inline constexpr std::string_view kYearPrefix = "Y";
inline constexpr std::string_view kIdPrefix = "Q";
inline constexpr std::string_view kExactTitlePrefix = "XT";

// A title word counts this many times an abstract word for BM25.
inline constexpr Xapian::termcount kTitleBoost = 4;

// Metadata keys.
inline constexpr const char* kFormatKey = "paperpulse.format";
inline constexpr const char* kChangeSeqKey = "paperpulse.change_seq";
// The popularity_seq applied (IndexProgress). Absent from indexes written
// before popularity was followed: they read as 0, so the Indexer re-applies
// every popularity row once instead of rebuilding.
inline constexpr const char* kPopularitySeqKey = "paperpulse.popularity_seq";
// Bumped whenever the layout above changes: older indexes are rebuilt.
inline constexpr const char* kFormatVersion = "1";

std::string IdTerm(std::string_view base_id);
// The exact-title term for an already normalised title (NormalizeText).
std::string ExactTitleTerm(std::string_view normalized_title);

// Porter2 stems with a memo: indexing stems the same few hundred thousand
// words over and over. Not thread-safe.
class Stemmer {
 public:
  Stemmer();
  const std::string& Stem(const std::string& word);

 private:
  Xapian::Stem stem_;
  std::unordered_map<std::string, std::string> memo_;
};

// The name forms an author is found by.
struct AuthorTerms {
  std::vector<std::string> surnames;    // normalised, without prefix
  std::vector<std::string> full_names;  // normalised, without prefix
};
AuthorTerms AuthorNameForms(std::string_view author);

// Words for the spelling data and how often each was seen, gathered while
// documents are built and added in one call per distinct word (AddSpelling):
// Xapian's add_spelling updates every fragment of the word, so calling it
// per occurrence cost ~10% of an index build.
using SpellingCounts = std::unordered_map<std::string, Xapian::termcount>;

// The Xapian document of `doc`. Counts its title words into `spelling` when
// it is given.
Xapian::Document BuildDocument(const IndexDocument& doc, Stemmer& stemmer,
                               SpellingCounts* spelling);

// Adds `words` to the spelling data of `db`, and clears them.
void AddSpelling(SpellingCounts& words, Xapian::WritableDatabase& db);

// The document of `doc` in the lookup index (the first stage a fresh site
// answers from while its full index builds): the id, exact-title, author,
// category and year terms and the values of BuildDocument, no words, and
// stored data without the abstract.
Xapian::Document BuildLookupDocument(const IndexDocument& doc);

// "YYYYMMDD" of the v1 submission (falling back to the first version, the
// update, then the year and month of the id), or "" when unknown.
std::string DateKey(const Paper& paper);

// The fields of a paper that results show, as stored in the document data.
struct StoredPaper {
  std::string id;
  std::string title;
  std::vector<std::string> authors;
  std::vector<std::string> categories;
  std::string published_at;
  std::string abstract;
  int64_t upvotes = 0;
  double trending = 0;
};

std::string EncodeStoredPaper(const IndexDocument& doc);
// Errors: kInternal when `data` is not what EncodeStoredPaper wrote.
Result<StoredPaper> DecodeStoredPaper(const std::string& data);

// Converts the exception of a Xapian call into an Error (lock -> kUnavailable,
// corruption/format -> kParse, the rest -> kInternal); `what` says what we did.
Error XapianError(const Xapian::Error& e, std::string_view what);

}  // namespace paperpulse::search::xapian
