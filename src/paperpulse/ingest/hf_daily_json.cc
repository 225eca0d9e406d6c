#include "paperpulse/ingest/hf_daily_json.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/base/url.h"
#include "paperpulse/ingest/json_util.h"
#include "paperpulse/ingest/pyrepr.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr size_t kMaxDocumentBytes = 64 << 20;

// Stands in for each invalid UTF-8 byte so that simdjson (which refuses a
// whole document over one bad byte) can parse the rest. U+FDD0 is a Unicode
// noncharacter: it does not occur in real text, so finding it in an item
// means that item had invalid bytes.
constexpr std::string_view kBadByteMark = "\xEF\xB7\x90";

// Replaces every invalid UTF-8 byte of `text` with kBadByteMark; returns how
// many were replaced. Linear: each scan resumes where the last one stopped.
size_t MarkInvalidUtf8(std::string& text) {
  size_t first = FirstInvalidUtf8(text);
  if (first == std::string::npos) return 0;
  std::string out(text, 0, first);
  size_t count = 0, at = first;
  while (at < text.size()) {
    out.append(kBadByteMark);
    ++count;
    ++at;
    size_t next = FirstInvalidUtf8(std::string_view(text).substr(at));
    size_t stop = next == std::string::npos ? text.size() : at + next;
    out.append(text, at, stop - at);
    at = stop;
  }
  text = std::move(out);
  return count;
}

bool ContainsMark(element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING:
      return json::StringOr(e).find(kBadByteMark) != std::string_view::npos;
    case simdjson::dom::element_type::ARRAY: {
      array a;
      if (e.get_array().get(a)) return false;
      for (element child : a) {
        if (ContainsMark(child)) return true;
      }
      return false;
    }
    case simdjson::dom::element_type::OBJECT: {
      object o;
      if (e.get_object().get(o)) return false;
      for (auto field : o) {
        if (field.key.find(kBadByteMark) != std::string_view::npos || ContainsMark(field.value)) {
          return true;
        }
      }
      return false;
    }
    default:
      return false;
  }
}

// The fields of one item that paperpulse keeps, borrowed from the parsed
// document (JSON or Python repr), so one conversion serves both.
struct HfItem {
  std::string_view id, title, summary, published_at, submitted_on_daily_at, submitter, github_repo,
      project_page, item_published_at, organization, organization_fullname, ai_summary;
  std::vector<std::string_view> authors, ai_keywords;
  int64_t upvotes = 0, num_comments = 0;
  std::optional<int64_t> github_stars;
};

std::string_view FirstNonEmpty(std::string_view a, std::string_view b) {
  return TrimView(a).empty() ? b : a;
}

HfItem FromJson(object item) {
  HfItem h;
  object paper;
  // Some mirrors flatten the item; then the paper fields sit at the top.
  bool flat = item.at_key("paper").get_object().get(paper) != simdjson::SUCCESS;
  if (flat) paper = item;
  h.id = json::StringField(paper, "id");
  h.title = FirstNonEmpty(json::StringField(paper, "title"), json::StringField(item, "title"));
  h.summary =
      FirstNonEmpty(json::StringField(paper, "summary"), json::StringField(item, "summary"));
  h.published_at = json::StringField(paper, "publishedAt");
  h.submitted_on_daily_at = json::StringField(paper, "submittedOnDailyAt");
  object by;
  if (!paper.at_key("submittedOnDailyBy").get_object().get(by)) {
    h.submitter = FirstNonEmpty(json::StringField(by, "user"), json::StringField(by, "name"));
  }
  if (TrimView(h.submitter).empty() && !item.at_key("submittedBy").get_object().get(by)) {
    h.submitter = FirstNonEmpty(json::StringField(by, "name"), json::StringField(by, "user"));
  }
  array authors;
  if (!paper.at_key("authors").get_array().get(authors)) {
    for (element a : authors) {
      object ao;
      std::string_view name;
      if (!a.get_object().get(ao)) {
        name = json::StringField(ao, "name");
      } else {
        name = json::StringOr(a);
      }
      h.authors.push_back(name);
    }
  }
  element e;
  if (!paper.at_key("upvotes").get(e)) h.upvotes = json::IntOr(e).value_or(0);
  if (!item.at_key("numComments").get(e)) h.num_comments = json::IntOr(e).value_or(0);
  if (!paper.at_key("githubStars").get(e)) h.github_stars = json::IntOr(e);
  h.github_repo = json::StringField(paper, "githubRepo");
  h.project_page = json::StringField(paper, "projectPage");
  if (!flat) h.item_published_at = json::StringField(item, "publishedAt");
  // HF sends the organisation on the paper and on the item (the same one).
  object org;
  if (!paper.at_key("organization").get_object().get(org) ||
      !item.at_key("organization").get_object().get(org)) {
    h.organization = json::StringField(org, "name");
    h.organization_fullname = json::StringField(org, "fullname");
  }
  h.ai_summary = json::StringField(paper, "ai_summary");
  array keywords;
  if (!paper.at_key("ai_keywords").get_array().get(keywords)) {
    for (element k : keywords) h.ai_keywords.push_back(json::StringOr(k));
  }
  return h;
}

HfItem FromPy(const PyValue& item) {
  HfItem h;
  const PyValue* paper = item.Get("paper");
  if (paper == nullptr || !paper->IsDict()) paper = &item;
  h.id = paper->GetString("id");
  h.title = FirstNonEmpty(paper->GetString("title"), item.GetString("title"));
  h.summary = FirstNonEmpty(paper->GetString("summary"), item.GetString("summary"));
  h.published_at = paper->GetString("publishedAt");
  h.submitted_on_daily_at = paper->GetString("submittedOnDailyAt");
  if (const PyValue* by = paper->Get("submittedOnDailyBy"); by != nullptr) {
    h.submitter = FirstNonEmpty(by->GetString("user"), by->GetString("name"));
  }
  if (const PyValue* by = item.Get("submittedBy"); by != nullptr && TrimView(h.submitter).empty()) {
    h.submitter = FirstNonEmpty(by->GetString("name"), by->GetString("user"));
  }
  if (const PyValue* authors = paper->Get("authors"); authors != nullptr && authors->IsSequence()) {
    for (const PyValue& a : authors->items) {
      h.authors.push_back(a.IsDict() ? a.GetString("name") : a.AsString().value_or(""));
    }
  }
  if (const PyValue* v = paper->Get("upvotes"); v != nullptr) h.upvotes = v->AsInt().value_or(0);
  if (const PyValue* v = item.Get("numComments"); v != nullptr) {
    h.num_comments = v->AsInt().value_or(0);
  }
  if (const PyValue* v = paper->Get("githubStars"); v != nullptr) h.github_stars = v->AsInt();
  h.github_repo = paper->GetString("githubRepo");
  h.project_page = paper->GetString("projectPage");
  if (paper != &item) h.item_published_at = item.GetString("publishedAt");
  const PyValue* org = paper->Get("organization");
  if (org == nullptr || !org->IsDict()) org = item.Get("organization");
  if (org != nullptr && org->IsDict()) {
    h.organization = org->GetString("name");
    h.organization_fullname = org->GetString("fullname");
  }
  h.ai_summary = paper->GetString("ai_summary");
  if (const PyValue* k = paper->Get("ai_keywords"); k != nullptr && k->IsSequence()) {
    for (const PyValue& each : k->items) h.ai_keywords.push_back(each.AsString().value_or(""));
  }
  return h;
}

// Fills `paper` (and, when a list date is known, `entry`) from `h`; returns
// the reject reason, "" when usable.
std::string Convert(const HfItem& h, std::string_view list_date, Paper& paper, DailyEntry& entry,
                    bool& has_entry) {
  std::string reason;
  auto id = json::ParseRecordId(h.id, reason);
  if (!id) return reason;
  paper.title = json::NormalizeText(h.title);
  if (paper.title.empty()) return "missing title";
  paper.id = std::move(id->base);
  paper.latest_version = id->version;
  paper.abstract = TrimView(h.summary);
  for (std::string_view a : h.authors) {
    std::string name = json::NormalizeText(a);
    if (!name.empty()) paper.authors.push_back(std::move(name));
  }
  paper.submitted = NormalizeTimestamp(h.published_at).value_or("");

  entry.submitted_at = NormalizeTimestamp(h.submitted_on_daily_at).value_or("");
  entry.date = list_date;
  if (entry.date.empty() && entry.submitted_at.size() >= 10) {
    entry.date = entry.submitted_at.substr(0, 10);  // normalised to UTC, so this is HF's day
  }
  has_entry = !entry.date.empty();
  if (!has_entry) return {};
  entry.paper_id = paper.id;
  entry.submitted_by = TrimView(h.submitter);
  entry.upvotes = h.upvotes;
  entry.num_comments = h.num_comments;
  std::string_view repo = TrimView(h.github_repo);
  if (IsHttpUrl(repo)) entry.github_repo = repo;
  entry.github_stars = h.github_stars;
  std::string_view page = TrimView(h.project_page);
  if (IsHttpUrl(page)) entry.project_page = page;
  entry.source = "hf";
  entry.published_at = NormalizeTimestamp(h.item_published_at).value_or("");
  entry.organization = json::NormalizeText(h.organization);
  if (!entry.organization.empty()) {
    entry.organization_fullname = json::NormalizeText(h.organization_fullname);
  }
  entry.ai_summary = json::NormalizeText(h.ai_summary);
  for (std::string_view k : h.ai_keywords) {
    std::string keyword = json::NormalizeText(k);
    if (!keyword.empty()) entry.ai_keywords.push_back(std::move(keyword));
  }
  return {};
}

class DocumentReader {
 public:
  DocumentReader(RecordSink& sink, std::string file, bool marked) : sink_(sink), marked_(marked) {
    pos_.file = std::move(file);
  }

  void ReadItems(array items, std::string_view list_date) {
    int64_t index = 0;
    for (element item : items) {
      pos_.index = index++;
      ReadItem(item, list_date);
    }
  }

  void ReadScraped(object papers) {
    int64_t index = 0;
    for (auto field : papers) {
      pos_.index = index++;
      object p;
      if (field.value.get_object().get(p)) {
        Reject("not an object");
        continue;
      }
      if (marked_ &&
          (ContainsMark(field.value) || field.key.find(kBadByteMark) != std::string_view::npos)) {
        Reject("invalid UTF-8");
        continue;
      }
      std::string_view raw_id =
          TrimView(field.key).empty() ? json::StringField(p, "url") : field.key;
      std::string reason;
      auto id = json::ParseRecordId(raw_id, reason);
      if (!id) {
        Reject(std::move(reason));
        continue;
      }
      Paper paper;
      paper.title = json::NormalizeText(json::StringField(p, "title"));
      if (paper.title.empty()) {
        Reject("missing title");
        continue;
      }
      paper.id = std::move(id->base);
      paper.latest_version = id->version;
      paper.abstract = TrimView(json::StringField(p, "abstract"));
      array authors;
      if (!p.at_key("authors").get_array().get(authors)) {
        for (element a : authors) {
          std::string name = json::NormalizeText(json::StringOr(a));
          if (!name.empty()) paper.authors.push_back(std::move(name));
        }
      }
      paper.submitted = NormalizeTimestamp(json::StringField(p, "publication_date")).value_or("");
      sink_.OnPaper(std::move(paper), pos_);
    }
  }

 private:
  void ReadItem(element item, std::string_view list_date) {
    if (marked_ && ContainsMark(item)) {
      Reject("invalid UTF-8");
      return;
    }
    object obj;
    std::string_view repr;
    if (!item.get_object().get(obj)) {
      Emit(FromJson(obj), list_date);
    } else if (!item.get_string().get(repr)) {
      auto value = ParsePyLiteral(repr);
      if (!value) {
        std::string reason = "unparseable Python repr item: ";
        reason.append(value.error().message);
        Reject(std::move(reason));
        return;
      }
      if (!value->IsDict()) {
        Reject("Python repr item is not a dict");
        return;
      }
      Emit(FromPy(*value), list_date);
    } else {
      Reject("item is neither an object nor a Python repr string");
    }
  }

  void Emit(const HfItem& h, std::string_view list_date) {
    Paper paper;
    DailyEntry entry;
    bool has_entry = false;
    std::string reason = Convert(h, list_date, paper, entry, has_entry);
    if (!reason.empty()) {
      Reject(std::move(reason));
    } else if (has_entry) {
      sink_.OnDailyEntry(std::move(entry), std::move(paper), pos_);
    } else {
      sink_.OnPaper(std::move(paper), pos_);
    }
  }

  void Reject(std::string reason) { sink_.OnReject(pos_, std::move(reason)); }

  RecordSink& sink_;
  bool marked_;
  SourcePos pos_;
};

// `text` after the white space that starts it.
std::string_view SkipSpace(std::string_view text) { return json::SkipBomAndSpace(text); }

// Whether `text` (just after '[') starts with an HF item: an object whose
// first key is "paper", or a repr string of one.
bool StartsWithHfItem(std::string_view text, std::string_view head) {
  text = SkipSpace(text);
  if (StartsWith(text, "\"{'paper'")) return true;
  if (text.empty() || text.front() != '{') return false;
  text = SkipSpace(text.substr(1));
  if (!StartsWith(text, "\"paper\"")) return false;
  text = SkipSpace(text.substr(7));
  if (text.empty() || text.front() != ':') return false;
  text = SkipSpace(text.substr(1));
  if (text.empty() || text.front() != '{') return false;
  if (json::HasKey(head, "publishedAt") || json::HasKey(head, "numComments") ||
      json::HasKey(head, "upvotes") || json::HasKey(head, "submittedOnDailyAt")) {
    return true;
  }
  // Papers with thousands of authors (each with a user profile) push every
  // other key past a 64 KiB head; the paper's leading id and authors remain.
  return json::HasKey(text, "id") && json::HasKey(text, "authors");
}

// The text after `"key":` at the top level of the object that `text` starts,
// found by a plain search (good enough for sniffing), or nullopt.
std::optional<std::string_view> ValueAfterKey(std::string_view text, std::string_view key) {
  std::string needle = "\"";
  needle.append(key);
  needle.push_back('"');
  for (size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    std::string_view rest = SkipSpace(text.substr(at + needle.size()));
    if (!rest.empty() && rest.front() == ':') return SkipSpace(rest.substr(1));
  }
  return std::nullopt;
}

}  // namespace

std::string HfListDateFromPath(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  auto date_at = [](std::string_view s) -> std::string {
    if (s.size() < 10) return {};
    if (s.size() > 10 && s[10] >= '0' && s[10] <= '9') return {};
    if (!ParseIsoDate(s.substr(0, 10)) || s[4] != '-' || s[7] != '-') return {};
    return std::string(s.substr(0, 10));
  };
  if (std::string d = date_at(base); !d.empty()) return d;
  if (size_t q = path.rfind("date="); q != std::string_view::npos)
    return date_at(path.substr(q + 5));
  return {};
}

std::string_view HfDailyJsonReader::Name() const { return "hf-daily-json"; }

bool HfDailyJsonReader::Sniff(std::string_view head, std::string_view /*path*/) const {
  std::string_view s = SkipSpace(head);
  if (s.empty()) return false;
  if (s.front() == '[') return StartsWithHfItem(s.substr(1), s);
  if (s.front() != '{') return false;
  if (auto data = ValueAfterKey(s, "data");
      data && !data->empty() && data->front() == '[' && json::HasKey(s, "status")) {
    return StartsWithHfItem(data->substr(1), s);
  }
  std::string_view first = SkipSpace(s.substr(1));
  if (first.empty() || first.front() != '"') return false;
  size_t close = first.find('"', 1);
  if (close > 100) return false;  // also when there is none (npos)
  if (!ParseArxivId(first.substr(1, close - 1))) return false;
  std::string_view value = SkipSpace(first.substr(close + 1));
  if (value.empty() || value.front() != ':') return false;
  value = SkipSpace(value.substr(1));
  if (value.empty() || value.front() != '{') return false;
  return json::HasKey(s, "abstract") &&
         (json::HasKey(s, "upvotes") || json::HasKey(s, "publication_date"));
}

Status HfDailyJsonReader::Read(ByteSource& source, RecordSink& sink) {
  ASSIGN_OR_RETURN(std::string text, ReadAll(source, kMaxDocumentBytes));
  if (TrimView(text).empty()) return Ok();  // an empty file holds no records
  bool marked = MarkInvalidUtf8(text) > 0;

  simdjson::dom::parser parser;
  element root;
  if (auto error = parser.parse(text.data(), text.size(), true).get(root)) {
    std::string message = source.name();
    message.append(": ");
    message.append(json::ParseErrorReason(error, text));
    return Fail(ErrorCode::kParse, std::move(message));
  }

  DocumentReader reader(sink, source.name(), marked);
  std::string list_date = HfListDateFromPath(source.name());
  array items;
  if (!root.get_array().get(items)) {
    reader.ReadItems(items, list_date);
    return Ok();
  }
  object obj;
  if (root.get_object().get(obj)) {
    return Fail(ErrorCode::kParse, source.name() + ": not a Hugging Face daily-papers document");
  }
  if (!obj.at_key("data").get_array().get(items)) {
    // The wrapper says which day it holds; that beats the file name.
    if (auto wrapped = ParseIsoDate(json::StringField(obj, "date"))) {
      list_date = FormatDate(*wrapped);
    }
    reader.ReadItems(items, list_date);
    return Ok();
  }
  // A scraped layout is keyed by arXiv ids; its first key decides.
  if (obj.begin() != obj.end() && ParseArxivId((*obj.begin()).key)) {
    reader.ReadScraped(obj);
    return Ok();
  }
  return Fail(ErrorCode::kParse, source.name() + ": not a Hugging Face daily-papers document");
}

std::unique_ptr<Reader> MakeHfDailyJsonReader() { return std::make_unique<HfDailyJsonReader>(); }

}  // namespace paperpulse::ingest
