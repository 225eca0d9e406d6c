#include "paperpulse/ingest/daily_listing_jsonl.h"

#include <memory>
#include <string>

#include "paperpulse/base/strings.h"
#include "paperpulse/ingest/json_util.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

struct RawRecord {
  std::string_view id, abs, pdf, title, comment, summary;
  array authors, categories;
  bool has_authors = false, has_categories = false;
};

RawRecord Collect(object obj) {
  RawRecord r;
  for (auto field : obj) {
    std::string_view key = field.key;
    element value = field.value;
    if (key == "id") {
      r.id = json::StringOr(value);
    } else if (key == "abs") {
      r.abs = json::StringOr(value);
    } else if (key == "pdf") {
      r.pdf = json::StringOr(value);
    } else if (key == "title") {
      r.title = json::StringOr(value);
    } else if (key == "comment") {
      r.comment = json::StringOr(value);
    } else if (key == "summary") {
      r.summary = json::StringOr(value);
    } else if (key == "authors") {
      r.has_authors = !value.get_array().get(r.authors);
    } else if (key == "categories") {
      r.has_categories = !value.get_array().get(r.categories);
    }
  }
  return r;
}

// Builds the Paper of `obj`; returns the reject reason, "" when usable.
std::string Convert(object obj, Paper& paper) {
  RawRecord r = Collect(obj);
  std::string_view raw_id = r.id;
  if (TrimView(raw_id).empty()) raw_id = !TrimView(r.abs).empty() ? r.abs : r.pdf;
  std::string reason;
  auto id = json::ParseRecordId(raw_id, reason);
  if (!id) return reason;
  paper.title = json::NormalizeText(r.title);
  if (paper.title.empty()) return "missing title";
  paper.id = std::move(id->base);
  paper.latest_version = id->version;
  if (paper.latest_version == 0 && !r.abs.empty()) {
    // The crawler writes bare ids, but a versioned abs URL says which
    // version the metadata belongs to.
    if (auto from_abs = ParseArxivId(r.abs); from_abs && from_abs->base == paper.id) {
      paper.latest_version = from_abs->version;
    }
  }

  if (r.has_authors) {
    for (element a : r.authors) {
      std::string name = json::NormalizeText(json::StringOr(a));
      if (!name.empty()) paper.authors.push_back(std::move(name));
    }
  }
  if (r.has_categories) {
    for (element c : r.categories) {
      std::string_view cat = TrimView(json::StringOr(c));
      if (json::LooksLikeCategory(cat)) paper.categories.emplace_back(cat);
    }
  }
  paper.abstract = TrimView(r.summary);
  paper.comments = json::Collapse(r.comment);
  return {};
}

}  // namespace

std::string_view DailyListingJsonlReader::Name() const { return "arxiv-daily-listing-jsonl"; }

bool DailyListingJsonlReader::Sniff(std::string_view head, std::string_view /*path*/) const {
  bool complete = false;
  std::string_view line = json::SkipBomAndSpace(json::FirstLine(head, complete));
  if (line.empty() || line.front() != '{') return false;
  if (!json::HasKey(line, "pdf") || !json::HasKey(line, "abs")) return false;
  return json::HasKey(line, "summary") || (!complete && json::HasKey(line, "id"));
}

Status DailyListingJsonlReader::Read(ByteSource& source, RecordSink& sink) {
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

std::unique_ptr<Reader> MakeDailyListingJsonlReader() {
  return std::make_unique<DailyListingJsonlReader>();
}

}  // namespace paperpulse::ingest
