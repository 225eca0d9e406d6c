#include "paperpulse/http/api/hf_json.h"

#include "paperpulse/base/time.h"
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
  w.Key("publishedAt");
  w.String(PublishedAt(item.paper, &item.entry));
  w.Key("title");
  w.String(item.paper.title);
  w.Key("summary");
  w.String(item.paper.abstract);
  w.Key("numComments");
  w.Int(item.entry.num_comments);
  w.Key("submittedBy");
  w.BeginObject();
  w.Key("name");
  w.String(item.entry.submitted_by);
  w.EndObject();
  w.EndObject();
}

}  // namespace paperpulse::http
