// The data model: plain structs, no behaviour beyond small helpers. Storage,
// ingest, search and http all speak these types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paperpulse {

// One arXiv version of a paper: v<number>, submitted at `date`.
struct PaperVersion {
  int number = 0;    // >= 1
  std::string date;  // normalised timestamp ("2007-04-02T19:18:42Z"), may be empty
  std::string size;  // as arXiv gives it ("45kb"), may be empty
  friend bool operator==(const PaperVersion&, const PaperVersion&) = default;
};

// Bibliographic record of one paper, keyed by its base arXiv id. Empty strings
// and empty vectors mean "unknown" (sources differ in what they carry).
struct Paper {
  std::string id;                       // base id, ParseArxivId(...).base
  std::string title;                    // white space collapsed
  std::string abstract;                 // as given (TeX kept), trimmed
  std::vector<std::string> authors;     // "Forename Surname", in order
  std::vector<std::string> categories;  // first is the primary category
  std::string comments;
  std::string journal_ref;
  std::string doi;
  std::string license;
  std::string submitted;               // timestamp of v1 (decides on which day the paper is "new")
  std::string updated;                 // timestamp of the latest version or metadata change
  std::vector<PaperVersion> versions;  // ascending by number
  // The highest version any source has reported (0 = unknown). Decides which
  // source may overwrite fields: a record of an older version never does.
  int latest_version = 0;

  friend bool operator==(const Paper&, const Paper&) = default;
};

// One community pick of a paper on a day (Hugging Face daily papers model).
struct DailyEntry {
  std::string date;          // "YYYY-MM-DD" of the list the paper is on
  std::string paper_id;      // base arXiv id
  std::string submitted_by;  // user name of the submitter (may be empty)
  std::string submitted_at;  // normalised timestamp
  int64_t upvotes = 0;
  int64_t num_comments = 0;
  std::string github_repo;  // http(s) URL or empty
  std::optional<int64_t> github_stars;
  std::string project_page;  // http(s) URL or empty
  std::string source;        // where it came from ("hf", "local")
  // What Hugging Face's files carry besides (empty when the source has none):
  // the item's own publishedAt (HF: when the paper entered its daily list,
  // not the paper's publication), the submitting organisation's account name
  // and display name (organization.name / .fullname), and the machine-written
  // summary and keywords of the paper (paper.ai_summary / .ai_keywords).
  std::string published_at;  // normalised timestamp
  std::string organization;
  std::string organization_fullname;
  std::string ai_summary;
  std::vector<std::string> ai_keywords;
  // Set when read from the Store (not merged from sources): the votes cast
  // on this site (already included in `upvotes`), the visible comments
  // written here (already included in `num_comments`), the local account
  // that submitted it (0 = none) and whether an admin hid it.
  int64_t local_votes = 0;
  int64_t local_comments = 0;
  int64_t submitted_by_user = 0;
  bool hidden = false;

  friend bool operator==(const DailyEntry&, const DailyEntry&) = default;
};

}  // namespace paperpulse
