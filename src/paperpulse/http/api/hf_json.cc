#include "paperpulse/http/api/hf_json.h"

#include "paperpulse/base/time.h"
#include "paperpulse/base/url.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// When the paper was first published, as well as we know it: the v1
// submission, else the oldest version's date, else the day it was listed.
std::string PublishedAt(const Paper& paper, const DailyEntry* entry) {
  std::string_view fallback = entry ? std::string_view(entry->date) : std::string_view();
  if (fallback.empty() && !paper.versions.empty()) fallback = paper.versions.front().date;
  std::string_view ts = paper.submitted;
  if (ts.empty() && !paper.versions.empty()) ts = paper.versions.front().date;
  return HfTimestamp(ts, fallback);
}

// An item's publishedAt: HF's item-level one (when the paper entered its
// daily list) when the source gave it, else the paper's.
std::string ItemPublishedAt(const Paper& paper, const DailyEntry* entry) {
  if (entry && !entry->published_at.empty()) return HfTimestamp(entry->published_at, entry->date);
  return PublishedAt(paper, entry);
}

// {"name", "fullname"} of the entry's organisation; the display name falls
// back to the account name so that clients always get a string to show.
void WriteOrganization(JsonWriter& w, const DailyEntry& entry) {
  w.Key("organization");
  w.BeginObject();
  w.Key("name");
  w.String(entry.organization);
  w.Key("fullname");
  w.String(entry.organization_fullname.empty() ? entry.organization : entry.organization_fullname);
  w.EndObject();
}

}  // namespace

std::string HfTimestamp(std::string_view ts, std::string_view fallback) {
  for (std::string_view s : {ts, fallback}) {
    if (s.size() >= 10 && ParseIsoDate(s.substr(0, 10))) {
      // Stored timestamps are normalised to "YYYY-MM-DDTHH:MM:SSZ".
      if (s.size() == 20 && s[10] == 'T' && s[19] == 'Z') {
        std::string out(s.substr(0, 19));
        out += ".000Z";
        return out;
      }
      std::string out(s.substr(0, 10));
      out += "T00:00:00.000Z";
      return out;
    }
  }
  return "1970-01-01T00:00:00.000Z";
}

namespace {

// The members of the paper object (WriteHfPaper), without its braces.
void PaperFields(JsonWriter& w, const Paper& paper, const DailyEntry* entry,
                 int64_t unlisted_upvotes, int64_t unlisted_comments) {
  w.Key("id");
  w.String(paper.id);
  w.Key("authors");
  w.BeginArray();
  for (const std::string& name : paper.authors) {
    w.BeginObject();
    w.Key("name");
    w.String(name);
    w.Key("hidden");
    w.Bool(false);
    w.EndObject();
  }
  if (paper.authors.empty()) {
    // HF clients index authors[0]; a record without authors (some sources
    // omit them) must still give them an object to read.
    w.BeginObject();
    w.Key("name");
    w.String("Unknown");
    w.Key("hidden");
    w.Bool(false);
    w.EndObject();
  }
  w.EndArray();
  w.Key("publishedAt");
  w.String(PublishedAt(paper, entry));
  if (entry) {
    w.Key("submittedOnDailyAt");
    w.String(HfTimestamp(entry->submitted_at, entry->date));
  }
  w.Key("title");
  w.String(paper.title);
  w.Key("summary");
  w.String(paper.abstract);
  w.Key("upvotes");
  w.Int(entry ? entry->upvotes : unlisted_upvotes);
  w.Key("numComments");
  w.Int(entry ? entry->num_comments : unlisted_comments);
  if (entry && IsHttpUrl(entry->github_repo)) {
    w.Key("githubRepo");
    w.String(entry->github_repo);
  }
  if (entry && entry->github_stars) {
    w.Key("githubStars");
    w.Int(*entry->github_stars);
  }
  if (entry && IsHttpUrl(entry->project_page)) {
    w.Key("projectPage");
    w.String(entry->project_page);
  }
  if (!entry) return;
  if (!entry->organization.empty()) WriteOrganization(w, *entry);
  if (!entry->ai_summary.empty()) {
    w.Key("ai_summary");
    w.String(entry->ai_summary);
  }
  if (!entry->ai_keywords.empty()) {
    w.Key("ai_keywords");
    w.BeginArray();
    for (const std::string& k : entry->ai_keywords) w.String(k);
    w.EndArray();
  }
}

// The members an item has besides its "paper" (WriteHfDailyItem): those of
// the listing `entry` when there is one, else of the paper alone.
void ItemFields(JsonWriter& w, const Paper& paper, const DailyEntry* entry, int64_t num_comments) {
  w.Key("publishedAt");
  w.String(ItemPublishedAt(paper, entry));
  w.Key("title");
  w.String(paper.title);
  w.Key("summary");
  w.String(paper.abstract);
  w.Key("numComments");
  w.Int(num_comments);
  if (!entry) return;
  w.Key("submittedBy");
  w.BeginObject();
  w.Key("name");
  w.String(entry->submitted_by);
  w.EndObject();
  if (!entry->organization.empty()) WriteOrganization(w, *entry);
}

}  // namespace

void WriteHfPaper(JsonWriter& w, const Paper& paper, const DailyEntry* entry,
                  int64_t unlisted_upvotes, int64_t unlisted_comments) {
  w.BeginObject();
  PaperFields(w, paper, entry, unlisted_upvotes, unlisted_comments);
  w.EndObject();
}

void WriteHfPaperFields(JsonWriter& w, const Paper& paper, const PaperListing& listing) {
  PaperFields(w, paper, listing.best ? &*listing.best : nullptr, listing.unlisted_upvotes,
              listing.unlisted_comments);
}

void WriteHfPaper(JsonWriter& w, const Paper& paper, const PaperListing& listing) {
  w.BeginObject();
  WriteHfPaperFields(w, paper, listing);
  w.EndObject();
}

void WriteHfDailyItem(JsonWriter& w, const DailyItem& item) {
  w.BeginObject();
  w.Key("paper");
  WriteHfPaper(w, item.paper, &item.entry);
  ItemFields(w, item.paper, &item.entry, item.entry.num_comments);
  w.EndObject();
}

void WriteHfSearchItem(JsonWriter& w, const Paper& paper, const PaperListing& listing, double score,
                       std::string_view snippet) {
  const DailyEntry* entry = listing.best ? &*listing.best : nullptr;
  w.BeginObject();
  w.Key("paper");
  WriteHfPaper(w, paper, listing);
  ItemFields(w, paper, entry, entry ? entry->num_comments : listing.unlisted_comments);
  w.Key("categories");
  w.BeginArray();
  for (const std::string& c : paper.categories) w.String(c);
  w.EndArray();
  w.Key("score");
  w.Double(score);
  w.Key("snippet");
  w.String(snippet);
  w.EndObject();
}

}  // namespace paperpulse::http
