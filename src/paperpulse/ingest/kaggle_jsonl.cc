#include "paperpulse/ingest/kaggle_jsonl.h"

#include <algorithm>
#include <memory>
#include <string>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/ingest/json_util.h"
#include "paperpulse/ingest/normalize.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// "v3" -> 3; 0 when `label` is not a version label.
int VersionNumber(std::string_view label) {
  label = TrimView(label);
  if (!label.empty() && (label.front() == 'v' || label.front() == 'V')) label.remove_prefix(1);
  if (label.empty() || label.size() > 6) return 0;
  int n = 0;
  for (char c : label) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

// One authors_parsed entry [last, first, suffix, affiliation...] ->
// "First Last Suffix". Kaggle's name parser puts a space into hyphenated
// initials ("C.-P." -> "C. -P."); it is taken out again so that the name
// matches the one every other source gives.
std::string NameFromParsed(array parts) {
  std::string_view last, suffix;
  std::string joined;
  size_t i = 0;
  for (element part : parts) {
    std::string_view s = TrimView(json::StringOr(part));
    if (i == 0) {
      last = s;
    } else if (i == 1) {
      for (size_t k = 0; k < s.size(); ++k) {
        if (s[k] == ' ' && k > 0 && s[k - 1] == '.' && k + 1 < s.size() && s[k + 1] == '-')
          continue;
        joined.push_back(s[k]);
      }
    } else if (i == 2) {
      suffix = s;
    } else {
      break;  // affiliations, already dropped from the name
    }
    ++i;
  }
  joined.push_back(' ');
  joined.append(last);
  joined.push_back(' ');
  joined.append(suffix);
  return json::NormalizeText(joined);  // also drops the spaces around empty parts
}

// The fields of one record, as views into the parser's buffer: nothing is
// copied until the record is known to be usable.
struct RawRecord {
  std::string_view id, title, authors, categories, abstract, comments, journal_ref, doi, license,
      update_date;
  array authors_parsed, versions;
  bool has_authors_parsed = false, has_versions = false;
};

RawRecord Collect(object obj) {
  RawRecord r;
  for (auto field : obj) {
    std::string_view key = field.key;
    element value = field.value;
    if (key == "id") {
      r.id = json::StringOr(value);
    } else if (key == "title") {
      r.title = json::StringOr(value);
    } else if (key == "authors") {
      r.authors = json::StringOr(value);
    } else if (key == "authors_parsed") {
      r.has_authors_parsed = !value.get_array().get(r.authors_parsed);
    } else if (key == "versions") {
      r.has_versions = !value.get_array().get(r.versions);
    } else if (key == "categories") {
      r.categories = json::StringOr(value);
    } else if (key == "abstract") {
      r.abstract = json::StringOr(value);
    } else if (key == "comments") {
      r.comments = json::StringOr(value);
    } else if (key == "journal-ref") {
      r.journal_ref = json::StringOr(value);
    } else if (key == "doi") {
      r.doi = json::StringOr(value);
    } else if (key == "license") {
      r.license = json::StringOr(value);
    } else if (key == "update_date") {
      r.update_date = json::StringOr(value);
    }
  }
  return r;
}

std::vector<PaperVersion> ConvertVersions(array versions) {
  std::vector<PaperVersion> out;
  for (element v : versions) {
    object vo;
    if (v.get_object().get(vo)) continue;
    int number = VersionNumber(json::StringField(vo, "version"));
    if (number <= 0) continue;
    PaperVersion pv;
    pv.number = number;
    pv.date = NormalizeTimestamp(json::StringField(vo, "created")).value_or("");
    out.push_back(std::move(pv));
  }
  std::stable_sort(out.begin(), out.end(), [](const PaperVersion& a, const PaperVersion& b) {
    return a.number < b.number;
  });
  out.erase(std::unique(
                out.begin(), out.end(),
                [](const PaperVersion& a, const PaperVersion& b) { return a.number == b.number; }),
            out.end());
  return out;
}

// Builds the Paper of `obj`; returns the reject reason, "" when usable.
std::string Convert(object obj, Paper& paper) {
  RawRecord r = Collect(obj);
  std::string reason;
  auto id = json::ParseRecordId(r.id, reason);
  if (!id) return reason;
  paper.title = json::NormalizeText(r.title);
  if (paper.title.empty()) return "missing title";
  paper.id = std::move(id->base);

  if (r.has_authors_parsed) {
    for (element entry : r.authors_parsed) {
      array parts;
      if (entry.get_array().get(parts)) continue;
      std::string name = NameFromParsed(parts);
      if (!name.empty()) paper.authors.push_back(std::move(name));
    }
  }
  if (paper.authors.empty()) paper.authors = SplitArxivAuthors(r.authors);

  paper.abstract = TrimView(r.abstract);
  paper.categories = SplitCategories(r.categories);
  paper.comments = json::Collapse(r.comments);
  paper.journal_ref = json::Collapse(r.journal_ref);
  paper.doi = TrimView(r.doi);
  paper.license = TrimView(r.license);
  if (r.has_versions) paper.versions = ConvertVersions(r.versions);

  paper.latest_version = id->version;
  if (!paper.versions.empty()) {
    paper.latest_version = std::max(paper.latest_version, paper.versions.back().number);
    if (paper.versions.front().number == 1) paper.submitted = paper.versions.front().date;
  }
  paper.updated = NormalizeTimestamp(r.update_date).value_or("");
  if (paper.updated.empty() && !paper.versions.empty()) paper.updated = paper.versions.back().date;
  return {};
}

}  // namespace

std::string_view KaggleJsonlReader::Name() const { return "kaggle-jsonl"; }

bool KaggleJsonlReader::Sniff(std::string_view head, std::string_view /*path*/) const {
  bool complete = false;
  std::string_view line = json::SkipBomAndSpace(json::FirstLine(head, complete));
  if (line.empty() || line.front() != '{') return false;
  if (json::HasKey(line, "authors_parsed") && json::HasKey(line, "versions")) return true;
  // authors_parsed is the last key and may lie beyond a head cut inside a
  // huge author list; "submitter" (second key) is as specific to Kaggle.
  return !complete && json::HasKey(line, "submitter") && json::HasKey(line, "authors");
}

Status KaggleJsonlReader::Read(ByteSource& source, RecordSink& sink) {
  return json::ForEachJsonLine(source, sink, [&](element root, const SourcePos& pos) {
    object obj;
    if (root.get_object().get(obj)) {
      sink.OnReject(pos, "not a JSON object");
      return;
    }
    Paper paper;
    std::string reason = Convert(obj, paper);
    if (!reason.empty()) {
      sink.OnReject(pos, std::move(reason));
      return;
    }
    sink.OnPaper(std::move(paper), pos);
  });
}

std::unique_ptr<Reader> MakeKaggleJsonlReader() { return std::make_unique<KaggleJsonlReader>(); }

}  // namespace paperpulse::ingest
